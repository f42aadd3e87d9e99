package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SQL routes over a real API whose node has {@link FakeSql} as its query plugin: the JSON of answers, how
 * parameters and options are read, and which status each {@link dev.weft.query.QueryException} reason is. A node of
 * its own has no query plugin ({@code bare}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class SqlApiTest {
  private static final int MAX_REQUEST = 4096;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Http api;
  private Http bare;

  @BeforeAll
  void start() throws Exception {
    api = serve(FakeSql.start(61));
    bare = serve(FakeSql.startBare(62));
  }

  private Http serve(Node node) throws Exception {
    resources.add(node);
    HttpApi served = TestNodes.serve(node, MAX_REQUEST);
    resources.add(0, served);
    return new Http(served.uri());
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  private Http.Answer sql(String body) throws Exception {
    return api.post("/v1/sql", body);
  }

  @Test
  void aQueryAnswersColumnsRowsAndCoverageWithExactValues() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"SHAPES\"}");
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.text()).isEqualTo("{\"columns\":[{\"name\":\"i\",\"type\":\"INTEGER\"},{\"name\":\"b\",\"type\":"
        + "\"BIGINT\"},{\"name\":\"d\",\"type\":\"DECIMAL(10, 2)\"},{\"name\":\"f\",\"type\":\"DOUBLE\"},"
        + "{\"name\":\"s\","
        + "\"type\":\"VARCHAR\"},{\"name\":\"t\",\"type\":\"BOOLEAN\"},{\"name\":\"day\",\"type\":\"DATE\"},{\"name\":"
        + "\"at\",\"type\":\"TIMESTAMP\"},{\"name\":\"n\",\"type\":\"INTEGER\"}],\"rows\":[[7,1099511627776,12.50,0.25,"
        + "\"a \\\"quoted\\\", text\",true,\"2024-02-29\",\"2024-02-29T13:05:09.123\",null]],"
        + "\"coverage\":{\"nodes\":3,\"answered\":3,\"complete\":true}}\n");
  }

  @Test
  void otherStatementsAnswerTheCountOfRowsChanged() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"INSERT INTO t VALUES (?, ?)\",\"params\":[1,2]}");
    assertThat(answer.text())
        .isEqualTo("{\"updated\":2,\"coverage\":{\"nodes\":0,\"answered\":0,\"complete\":true}}\n");
  }

  @Test
  void aPartialAnswerSaysSoInItsCoverage() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"PARTIAL\",\"allowPartial\":true}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("coverage")).isEqualTo(Http.parse(
        "{\"nodes\":3,\"answered\":2,\"complete\":false}"));
  }

  @Test
  void parametersAreReadAsTheJavaValuesSqlBinds() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"ECHO\",\"params\":[1,5000000000,1.50,99999999999999999999,1e2,\"x\",true,"
        + "null]}");
    assertThat(answer.json().get("rows")).isEqualTo(Http.parse("[[1,\"Integer\"],[5000000000,\"Long\"],"
        + "[1.50,\"BigDecimal\"],[99999999999999999999,\"BigDecimal\"],[1E+2,\"BigDecimal\"],[\"x\",\"String\"],"
        + "[true,\"Boolean\"],[null,null]]"));
  }

  @Test
  void optionsReachTheStatement() throws Exception {
    assertThat(sql("{\"sql\":\"OPTIONS\",\"timeoutMs\":1500,\"allowPartial\":true,\"maxRows\":10}").json()
        .get("rows")).isEqualTo(Http.parse("[[1500,true,10]]"));
    assertThat(sql("{\"sql\":\"OPTIONS\",\"params\":null}").json().get("rows"))
        .isEqualTo(Http.parse("[[null,false,0]]"));
  }

  @ParameterizedTest
  @CsvSource({
      "INVALID, 400, invalid", "ROWS_FAILED, 409, rows-failed", "CONFLICT, 409, conflict",
      "TOO_LARGE, 413, too-large", "INCOMPLETE, 503, incomplete", "TIMEOUT, 503, timeout",
      "CANCELLED, 503, cancelled", "UNAVAILABLE, 503, unavailable"})
  void eachReasonIsItsStatusWithTheReasonFirst(String reason, int status, String prefix) throws Exception {
    Http.Answer answer = sql("{\"sql\":\"FAIL " + reason + "\"}");
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.json().get("error").asText()).isEqualTo(prefix + ": failed as asked: " + reason);
  }

  @Test
  void aSyntaxErrorIs400WithLineAndColumn() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"SELEKT 1\"}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error").asText()).isEqualTo("invalid: " + FakeSql.SYNTAX_ERROR);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}| the statement has no \"sql\"",
      "{\"sql\":\"\"}| \"sql\" must be a non-empty string, not a string",
      "{\"sql\":1}| \"sql\" must be a non-empty string, not a number",
      "{\"sql\":\"ECHO\",\"limit\":1}| unknown field",
      "{\"sql\":\"ECHO\",\"params\":{}}| \"params\" must be an array, not an object",
      "{\"sql\":\"ECHO\",\"params\":[1,[2]]}| parameter 2 must be a number, a string, a boolean or null, not an array",
      "{\"sql\":\"ECHO\",\"timeoutMs\":0}| \"timeoutMs\" must be an integer from 1",
      "{\"sql\":\"ECHO\",\"maxRows\":\"9\"}| \"maxRows\" must be an integer from 1",
      "{\"sql\":\"ECHO\",\"allowPartial\":1}| \"allowPartial\" must be true or false, not a number",
      "{\"sql\":| invalid JSON statement"})
  void badBodiesAre400NamingTheField(String body, String message) throws Exception {
    Http.Answer answer = sql(body);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error").asText()).contains(message.strip());
  }

  @Test
  void aBodyOverTheRequestLimitIs413() throws Exception {
    Http.Answer answer = sql("{\"sql\":\"ECHO " + "x".repeat(MAX_REQUEST) + "\"}");
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.json().get("error").asText()).contains("larger than the limit of " + MAX_REQUEST);
  }

  @Test
  void tablesListColumnsKeyAndIndexesByName() throws Exception {
    Http.Answer answer = api.get("/v1/sql/tables");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(Http.parse("{\"tables\":["
        + "{\"name\":\"notes\",\"columns\":[{\"name\":\"text\",\"type\":\"VARCHAR\",\"nullable\":true}],"
        + "\"primaryKey\":[],\"indexes\":[]},"
        + "{\"name\":\"orders\",\"columns\":[{\"name\":\"id\",\"type\":\"BIGINT\",\"nullable\":false},"
        + "{\"name\":\"customer\",\"type\":\"VARCHAR(40)\",\"nullable\":true},"
        + "{\"name\":\"total\",\"type\":\"DECIMAL(10, 2)\",\"nullable\":true}],\"primaryKey\":[\"id\"],"
        + "\"indexes\":[{\"name\":\"orders_by_customer\",\"columns\":[\"customer\"],\"unique\":false}]}]}"));
  }

  @Test
  void statsAnswerTheQueryCountersByName() throws Exception {
    Http.Answer answer = api.get("/v1/sql/stats");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(Http.parse("{\"statements\":1,\"failedStatements\":2,\"scansStarted\":3,"
        + "\"scansRepeated\":4,\"scansServed\":5,\"scansRefused\":6,\"rowsScanned\":7,\"rowsSent\":8,"
        + "\"rowsDeferred\":9,\"rowsContested\":10,\"malformedRows\":11,\"duplicatesDropped\":12,"
        + "\"pagesRepeated\":13,\"rowWrites\":14,\"rowWritesFailed\":15,\"objectsReclaimed\":16,"
        + "\"watchNotices\":17,\"watchesRefused\":18,\"watchRuns\":19,\"rowsRehashed\":20,\"rowsRehashRefused\":21}"));
    assertThat(api.get("/v1/sql/stats?x=1").status()).isEqualTo(400);
    assertThat(bare.get("/v1/sql/stats").status()).isEqualTo(501);
  }

  @Test
  void wrongMethodsAndParametersAreRefused() throws Exception {
    assertThat(api.get("/v1/sql").status()).isEqualTo(405);
    assertThat(api.post("/v1/sql?x=1", "{\"sql\":\"ECHO\"}").status()).isEqualTo(400);
    assertThat(api.get("/v1/sql/tables?x=1").status()).isEqualTo(400);
  }

  @Test
  void aNodeWithoutTheQueryPluginAnswersUnsupported() throws Exception {
    Http.Answer statement = bare.post("/v1/sql", "{\"sql\":\"SELECT 1\"}");
    assertThat(statement.status()).isEqualTo(501);
    assertThat(statement.json().get("error").asText()).contains("no query plugin");
    assertThat(bare.get("/v1/sql/tables").status()).isEqualTo(501);
  }
}
