package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.query.QueryException;
import java.time.Duration;
import java.util.Random;
import org.apache.calcite.runtime.SqlFunctions;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The wildcard matcher decides LIKE exactly as Calcite's own LIKE function, without its regex cost. */
class LikePatternsTest {
  private static final String ALPHABET = "ab%_\\\n\r\u0085\u2028x\ud83d\ude00\ud83d";

  @Test
  void randomStringsAndPatternsMatchAsInCalcite() {
    Random r = new Random(7);
    SqlFunctions.LikeFunction calcite = new SqlFunctions.LikeFunction();
    int matched = 0;
    for (int n = 0; n < 20_000; n++) {
      String s = random(r, 8);
      String pattern = random(r, 6);
      String escape = r.nextInt(3) == 0 ? null : r.nextBoolean() ? "\\" : r.nextBoolean() ? "a" : "%";
      Boolean expected;
      try {
        expected = escape == null ? calcite.like(s, pattern) : calcite.like(s, pattern, escape);
      } catch (RuntimeException e) {
        expected = null;
      }
      Boolean actual;
      try {
        actual = LikePatterns.matches(s, pattern, escape);
      } catch (QueryException e) {
        actual = null;
      }
      assertThat(actual).as("'%s' LIKE '%s' ESCAPE %s", s, pattern, escape).isEqualTo(expected);
      matched += Boolean.TRUE.equals(actual) ? 1 : 0;
    }
    assertThat(matched).as("matches among the random cases").isGreaterThan(500);
  }

  @Test
  void aPatternThatMakesARegexBacktrackStaysFast() {
    String s = "a".repeat(20_000);
    String pattern = "%a%a%a%a%a%a%a%a%b";
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThat(LikePatterns.matches(s, pattern, null)).isFalse());
  }

  private static String random(Random r, int max) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
