package dev.weft.query.expr;

import dev.weft.query.QueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL LIKE as Calcite runs it ({@code SqlFunctions.LikeFunction}, {@code Like.sqlToRegexLike}). Calcite turns the
 * pattern into a Java regular expression ({@code _} becomes {@code .}, which matches one code point but no line
 * terminator; {@code %} becomes {@code (?s:.*)}; every other character is a literal) matched against the whole string.
 * This class matches the same language without a regular expression: patterns arrive from the network, and a
 * backtracking regex engine takes polynomial time of high degree on {@code %a%a%a%a%b}; the wildcard matcher here is
 * O(string × pattern) at worst. {@code LikePatternsTest} compares the two on random input. Thread-safe.
 */
final class LikePatterns {
  /** A token matching one code point that is not a line terminator. */
  private static final int ONE = -1;
  /** A token matching any sequence of code points. */
  private static final int ANY = -2;
  /** A scan applies one pattern to every row: its tokens are kept, a bounded number of patterns at a time. */
  private static final int CACHE_SIZE = 256;
  private static final Map<String, int[]> CACHE = new ConcurrentHashMap<>();

  private LikePatterns() {}

  /**
   * Whether {@code s} matches the LIKE pattern.
   *
   * @param escape the escape character as a one-character string, or null for none
   * @throws QueryException INVALID for an escape that is not one character or an escape sequence Calcite refuses
   */
  static boolean matches(String s, String pattern, String escape) {
    String key = (escape == null ? "-" : "+" + escape.length() + ":" + escape) + pattern;
    int[] p = CACHE.get(key);
    if (p == null) {
      p = tokens(pattern, escape);
      if (CACHE.size() >= CACHE_SIZE) {
        CACHE.clear();
      }
      CACHE.put(key, p);
    }
    int[] str = s.codePoints().toArray();
    int i = 0;
    int j = 0;
    int starP = -1;
    int starS = -1;
    while (i < str.length) {
      if (j < p.length && p[j] == ANY) {
        starP = j++;
        starS = i;
      } else if (j < p.length && (p[j] == str[i] || p[j] == ONE && !lineTerminator(str[i]))) {
        i++;
        j++;
      } else if (starP >= 0) {
        // Let the last % take one more code point and retry what follows it: the leftmost match of each part
        // between two %s is as good as any.
        j = starP + 1;
        i = ++starS;
      } else {
        return false;
      }
    }
    while (j < p.length && p[j] == ANY) {
      j++;
    }
    return j == p.length;
  }

  /** What {@code .} does not match without the DOTALL and UNIX_LINES flags. */
  private static boolean lineTerminator(int c) {
    return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /** The pattern as tokens: code points (literals), {@link #ONE} and {@link #ANY}; escapes checked as Calcite does. */
  static int[] tokens(String pattern, String escape) {
    char escapeChar = 0;
    if (escape != null) {
      if (escape.length() != 1) {
        throw new QueryException(QueryException.Reason.INVALID, "Invalid escape character '" + escape + "'");
      }
      escapeChar = escape.charAt(0);
    }
    StringBuilder literal = new StringBuilder();
    List<Integer> out = new ArrayList<>(pattern.length());
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == escapeChar) {
        if (i == pattern.length() - 1) {
          throw invalidEscape(pattern, i);
        }
        char next = pattern.charAt(i + 1);
        if (next != '_' && next != '%' && next != escapeChar) {
          throw invalidEscape(pattern, i);
        }
        literal.append(next);
        i++;
      } else if (c == '_' || c == '%') {
        flush(literal, out);
        out.add(c == '_' ? ONE : ANY);
      } else {
        literal.append(c);
      }
    }
    flush(literal, out);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Literal text becomes code points as a regex reads its literal characters: a surrogate pair is one. */
  private static void flush(StringBuilder literal, List<Integer> out) {
    literal.codePoints().forEach(out::add);
    literal.setLength(0);
  }

  private static QueryException invalidEscape(String pattern, int i) {
    return new QueryException(QueryException.Reason.INVALID, "Invalid escape sequence '" + Values.abbreviate(pattern)
        + "', " + i);
  }
}
