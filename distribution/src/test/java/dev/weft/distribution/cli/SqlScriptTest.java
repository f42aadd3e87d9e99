package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.distribution.cli.SqlScript.Statement;
import org.junit.jupiter.api.Test;

/** How {@code weft sql -f} and the shell cut text into statements. */
final class SqlScriptTest {
  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    String text = """
        -- a comment; not a statement
        SELECT 'a;b', 'it''s; fine' FROM t;
        /* block; comment */ INSERT INTO "odd;name" VALUES (1); -- trailing; comment
        SELECT 2
          FROM u -- the end;
        ;
        """;
    SqlScript.Split split = SqlScript.split(text);
    assertThat(split.complete()).containsExactly(
        new Statement("SELECT 'a;b', 'it''s; fine' FROM t", 2),
        new Statement("INSERT INTO \"odd;name\" VALUES (1)", 3),
        new Statement("SELECT 2\n  FROM u -- the end;", 4));
    assertThat(split.rest()).isBlank();
    assertThat(split.all()).hasSize(3);
  }

  @Test
  void theRestIsAStatementStillBeingTyped() {
    SqlScript.Split split = SqlScript.split("SELECT 1;\n\nSELECT 'open;\n");
    assertThat(split.complete()).containsExactly(new Statement("SELECT 1", 1));
    assertThat(split.rest()).isEqualTo("\n\nSELECT 'open;\n");
    assertThat(split.all()).containsExactly(new Statement("SELECT 1", 1), new Statement("SELECT 'open;", 3));
  }

  @Test
  void blankTextAndCommentsAloneHoldNoStatement() {
    assertThat(SqlScript.split("").all()).isEmpty();
    assertThat(SqlScript.split(" ;; -- x\n/* y */;\n").all()).isEmpty();
    assertThat(SqlScript.split("SELECT 1").all()).containsExactly(new Statement("SELECT 1", 1));
  }
}
