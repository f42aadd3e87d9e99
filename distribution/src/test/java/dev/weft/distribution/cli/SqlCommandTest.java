package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.http.FakeSql;
import dev.weft.distribution.http.HttpApi;
import dev.weft.distribution.http.TestNodes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft sql} run in-process against a node whose query plugin is {@link FakeSql}: the output formats, parameters
 * and options, {@code -f} scripts, exit codes, and the shell driven through a dumb terminal on piped input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class SqlCommandTest {
  private static final String COVERAGE = "{\"coverage\":{\"nodes\":3,\"answered\":3,\"complete\":true}}\n";
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String api;
  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    var node = FakeSql.start(71);
    resources.add(node);
    HttpApi served = TestNodes.serve(node, 64 * 1024);
    resources.add(0, served);
    api = served.address().toString();
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  record Run(int code, String out, String err) {}

  private Run withInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("sql", "--api", api));
    all.addAll(List.of(args));
    int code = CommandRunner.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(SqlCommand.HISTORY_ENV, dir.resolve("history").toString()),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run sql(String... args) {
    return withInput("", args);
  }

  @Test
  void jsonLinesAreOneObjectPerRowThenCoverageOnStderr() {
    Run run = sql("SHAPES");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("{\"i\":7,\"b\":1099511627776,\"d\":12.50,\"f\":0.25,\"s\":\"a \\\"quoted\\\", "
        + "text\",\"t\":true,\"day\":\"2024-02-29\",\"at\":\"2024-02-29T13:05:09.123\",\"n\":null}\n");
    assertThat(run.err()).isEqualTo(COVERAGE);
  }

  @Test
  void watchPrintsTheStreamsLinesUntilAnErrorEndsIt() {
    Run run = sql("--watch", "ENDING ROWS 2");
    assertThat(run.code()).as(run.err()).isEqualTo(3);
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("{\"type\":\"answer\",\"columns\":[{\"name\":\"id\"")
        .contains("\"rows\":[[0,\"row 0\"],[1,\"row 1\"]]");
    assertThat(lines.get(1)).contains("\"type\":\"error\"").contains("\"closed\":true");
    assertThat(run.err()).contains("watching a query on").endsWith("weft sql: the watch ended: unavailable: ended as"
        + " asked\n");
    Run invalid = sql("--watch", "NONSENSE");
    assertThat(invalid.code()).isEqualTo(2);
    assertThat(sql("--watch", "-f", "x.sql").code()).isEqualTo(2);
    assertThat(sql("--watch", "--format", "table", "ROWS 1").code()).isEqualTo(2);
  }

  @Test
  void tableIsAlignedWithACountOfRows() {
    Run run = sql("--format", "table", "ROWS 2;");
    assertThat(run.out()).isEqualTo(" id | name\n----+-------\n  0 | row 0\n  1 | row 1\n(2 rows)\n");
    assertThat(sql("--format", "table", "PARTIAL").out()).endsWith("(1 row; partial: 2 of 3 nodes answered)\n");
  }

  @Test
  void csvQuotesWhatNeedsItAndLeavesNullEmpty() {
    Run run = sql("--format", "csv", "SHAPES");
    assertThat(run.out()).isEqualTo("i,b,d,f,s,t,day,at,n\n7,1099511627776,12.50,0.25,\"a \"\"quoted\"\", text\","
        + "true,2024-02-29,2024-02-29T13:05:09.123,\n");
    assertThat(run.err()).isEqualTo(COVERAGE);
  }

  @Test
  void aPartialAnswerWarnsOnStderr() {
    Run run = sql("PARTIAL");
    assertThat(run.code()).isZero();
    assertThat(run.err()).contains("\"complete\":false").contains("warning: a partial answer; partial: 2 of 3 nodes");
  }

  @Test
  void parametersAreJsonWhenTheyReadAsJsonElseText() {
    Run run = sql("ECHO", "1", "alice", "\"42\"", "1.50", "true", "null", "2024-01-31");
    assertThat(run.out().lines().toList()).containsExactly("{\"value\":1,\"class\":\"Integer\"}",
        "{\"value\":\"alice\",\"class\":\"String\"}", "{\"value\":\"42\",\"class\":\"String\"}",
        "{\"value\":1.50,\"class\":\"BigDecimal\"}", "{\"value\":true,\"class\":\"Boolean\"}",
        "{\"value\":null,\"class\":null}", "{\"value\":\"2024-01-31\",\"class\":\"String\"}");
  }

  @Test
  void optionsReachTheNode() {
    assertThat(sql("--timeout", "1500ms", "--allow-partial", "--max-rows", "10", "OPTIONS").out())
        .isEqualTo("{\"timeoutMs\":1500,\"allowPartial\":true,\"maxRows\":10}\n");
    assertThat(sql("--timeout", "soon", "OPTIONS").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void otherStatementsPrintTheirCount() {
    Run run = sql("INSERT INTO t VALUES (?, ?)", "1", "2");
    assertThat(run.out()).isEqualTo("{\"updated\":2,\"coverage\":{\"nodes\":0,\"answered\":0,\"complete\":true}}\n");
    assertThat(sql("--format", "table", "INSERT INTO t VALUES (?)", "1").out()).isEqualTo("(1 row changed)\n");
  }

  @Test
  void errorsExitWithTheCodeOfTheirStatus() {
    Run invalid = sql("SELEKT 1");
    assertThat(invalid.code()).isEqualTo(Cli.USAGE);
    assertThat(invalid.err()).isEqualTo("weft sql: invalid: " + FakeSql.SYNTAX_ERROR + "\n");
    assertThat(sql("FAIL UNAVAILABLE").code()).isEqualTo(Cli.UNAVAILABLE);
    assertThat(sql("FAIL ROWS_FAILED").code()).isEqualTo(Cli.USAGE);
    assertThat(sql("ROWS 1; ECHO", "1").code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void aFileRunsInOrderAndStopsAtTheFirstErrorWithItsLine() throws Exception {
    Path file = dir.resolve("script.sql");
    Files.writeString(file, "ROWS 1;\n-- a comment; with a semicolon\nINSERT INTO t VALUES ('a;b');\n\nSELEKT\n  x;\n"
        + "ROWS 2;\n");
    Run run = sql("-f", file.toString());
    assertThat(run.code()).isEqualTo(Cli.USAGE);
    assertThat(run.out()).isEqualTo("{\"id\":0,\"name\":\"row 0\"}\n{\"updated\":0,\"coverage\":{\"nodes\":0,"
        + "\"answered\":0,\"complete\":true}}\n");
    assertThat(run.err()).endsWith("weft sql: " + file + ":5: invalid: " + FakeSql.SYNTAX_ERROR + "\n");
    Run stdin = withInput("ROWS 1;\nROWS 1", "-f", "-");
    assertThat(stdin.out()).isEqualTo("{\"id\":0,\"name\":\"row 0\"}\n".repeat(2));
    assertThat(sql("-f", dir.resolve("none.sql").toString()).code()).isEqualTo(Cli.USAGE);
  }

  @Test
  void theShellDescribesRunsMultiLineStatementsAndGoesOnAfterAnError() throws Exception {
    Run run = withInput("\\d\n\\d orders\nROWS\n  1\n;\nSELEKT;\n\\d nope\n\\timing\nINSERT INTO x\nVALUES (1);\n"
        + "\\format json\nROWS 1; ROWS 1;\n\\q\nROWS 3;\n");
    assertThat(run.code()).as(run.err()).isZero();
    // The terminal ends its lines with \r\n.
    String out = run.out().replace("\r", "");
    assertThat(out).startsWith("weft sql on ");
    assertThat(out).contains(" table  | columns | primary key | indexes\n",
        " notes  |       1 |             |       0\n",
        " orders |       3 | id          |       1\n", "(2 tables)\n");
    assertThat(out).contains("Table orders\n column   | type           | nullable\n",
        " id       | BIGINT         | not null\n", " total    | DECIMAL(10, 2) |", "Primary key: id\n",
        "    orders_by_customer (customer)\n");
    assertThat(out).contains("  0 | row 0\n(1 row)\n", "ERROR: invalid: " + FakeSql.SYNTAX_ERROR + "\n",
        "ERROR: no table named nope", "Timing is on.", "(0 rows changed)\nTime: ");
    assertThat(out).contains("{\"id\":0,\"name\":\"row 0\"}\n{\"coverage\"");
    assertThat(out).doesNotContain("row 2");
    assertThat(out).contains(SqlShell.MORE);
    assertThat(Files.readString(dir.resolve("history"))).contains("SELEKT;");
  }

  @Test
  void theShellCompletesKeywordsTablesAndColumns() throws Exception {
    ApiClient client = new ApiClient(HostPort.parse(api, "http"));
    try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]),
        new ByteArrayOutputStream(), StandardCharsets.UTF_8)) {
      SqlShell shell = new SqlShell(new SqlClient(client, null, false, 0), terminal, null, SqlOutput.Format.TABLE);
      assertThat(shell.words()).contains("SELECT").doesNotContain("orders");
      shell.run();
      assertThat(shell.words()).contains("SELECT", "WHERE", "orders", "notes", "customer", "total");
    }
  }
}
