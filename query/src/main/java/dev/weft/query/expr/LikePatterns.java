package dev.weft.query.expr;

import dev.weft.query.QueryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQL LIKE as Calcite runs it ({@code SqlFunctions.LikeFunction}, {@code Like.sqlToRegexLike}): the pattern becomes a
 * Java regular expression ({@code _} is {@code .}, which does not match a line terminator; {@code %} is {@code (?s:.*)})
 * matched against the whole string. Compiled patterns are cached, as a scan applies one pattern to every row.
 * Thread-safe.
 */
final class LikePatterns {
  private static final String JAVA_REGEX_SPECIALS = "[]()|^-+*?{}$\\.";
  private static final int CACHE_SIZE = 256;
  private static final Map<String, Pattern> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private LikePatterns() {}

  /**
   * Whether {@code s} matches the LIKE pattern.
   *
   * @param escape the escape character as a one-character string, or null for none
   * @throws QueryException INVALID for an escape that is not one character or an escape sequence Calcite refuses
   */
  static boolean matches(String s, String pattern, String escape) {
    String key = (escape == null ? "-" : "+" + escape.length() + ":" + escape) + pattern;
    Pattern p;
    synchronized (CACHE) {
      p = CACHE.get(key);
    }
    if (p == null) {
      p = Pattern.compile(toRegex(pattern, escape));
      synchronized (CACHE) {
        CACHE.put(key, p);
      }
    }
    return p.matcher(s).matches();
  }

  /** Calcite's translation, character for character. */
  static String toRegex(String pattern, String escape) {
    char escapeChar = 0;
    if (escape != null) {
      if (escape.length() != 1) {
        throw new QueryException(QueryException.Reason.INVALID, "Invalid escape character '" + escape + "'");
      }
      escapeChar = escape.charAt(0);
    }
    StringBuilder out = new StringBuilder(pattern.length() * 2);
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (JAVA_REGEX_SPECIALS.indexOf(c) >= 0) {
        out.append('\\');
      }
      if (c == escapeChar) {
        if (i == pattern.length() - 1) {
          throw invalidEscape(pattern, i);
        }
        char next = pattern.charAt(i + 1);
        if (next == '_' || next == '%' || next == escapeChar) {
          out.append(next);
          i++;
        } else {
          throw invalidEscape(pattern, i);
        }
      } else if (c == '_') {
        out.append('.');
      } else if (c == '%') {
        out.append("(?s:.*)");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static QueryException invalidEscape(String pattern, int i) {
    return new QueryException(QueryException.Reason.INVALID, "Invalid escape sequence '" + Values.abbreviate(pattern)
        + "', " + i);
  }
}
