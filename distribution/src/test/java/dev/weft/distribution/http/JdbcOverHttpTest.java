package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Node;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * JDBC from another process's point of view: Avatica's remote driver against {@code POST /v1/jdbc} of a node (joined
 * to a second) whose API needs a token — DDL, prepared statements with parameters, results with types, metadata, errors as SQLExceptions, and
 * no access without the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class JdbcOverHttpTest {
  private static final String TOKEN = "a-token-of-some-length";
  private final List<AutoCloseable> resources = new ArrayList<>();
  private String url;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    Map<String, String> settings = Map.of("weft.query.ddl-settle", "100ms");
    Node node = TestNodes.start(81, settings);
    resources.add(node);
    resources.add(TestNodes.startJoined(82, settings, node));  // rows need a network to live on
    HttpApi api = TestNodes.serve(node, 1 << 20, TOKEN);
    resources.add(0, api);
    url = "jdbc:avatica:remote:url=" + api.uri().toString().replaceAll("/$", "") + "/v1/jdbc;serialization=JSON";
    http = new Http(api.uri(), "Bearer " + TOKEN);
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url + ";authentication=BEARER;bearer_token=" + TOKEN);
  }

  @Test
  void statementsParametersResultsAndMetadataTravelOverHttp() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE remote_items (id INTEGER PRIMARY KEY, price DECIMAL(8, 2), name TEXT, ok BOOLEAN)");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO remote_items VALUES (?, ?, ?, ?)")) {
        for (int i = 1; i <= 5; i++) {
          insert.setInt(1, i);
          insert.setBigDecimal(2, new java.math.BigDecimal(i + ".25"));
          insert.setString(3, "item " + i);
          insert.setBoolean(4, i % 2 == 0);
          assertThat(insert.executeUpdate()).isEqualTo(1);
        }
      }
      try (PreparedStatement q = c.prepareStatement(
          "SELECT id, price, name FROM remote_items WHERE id >= ? AND ok ORDER BY id")) {
        q.setInt(1, 2);
        try (ResultSet r = q.executeQuery()) {
          assertThat(r.getMetaData().getColumnCount()).isEqualTo(3);
          assertThat(r.getMetaData().getColumnName(2)).isEqualToIgnoringCase("price");
          List<String> rows = new ArrayList<>();
          while (r.next()) {
            rows.add(r.getInt(1) + " " + r.getBigDecimal(2) + " " + r.getString(3));
          }
          assertThat(rows).containsExactly("2 2.25 item 2", "4 4.25 item 4");
        }
      }
      try (ResultSet r = s.executeQuery("SELECT COUNT(*), SUM(price) FROM remote_items")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getLong(1)).isEqualTo(5);
        assertThat(r.getBigDecimal(2)).isEqualByComparingTo("16.25");
      }
      DatabaseMetaData meta = c.getMetaData();
      try (ResultSet tables = meta.getTables(null, null, "REMOTE_ITEMS", null)) {
        List<String> names = new ArrayList<>();
        while (tables.next()) {
          names.add(tables.getString("TABLE_NAME"));
        }
        if (names.isEmpty()) {
          try (ResultSet lower = meta.getTables(null, null, "remote_items", null)) {
            while (lower.next()) {
              names.add(lower.getString("TABLE_NAME"));
            }
          }
        }
        assertThat(names).hasSize(1);
      }
      assertThat(s.executeUpdate("UPDATE remote_items SET name = 'cheap' WHERE price < 3")).isEqualTo(2);
      assertThat(s.executeUpdate("DELETE FROM remote_items WHERE id = 5")).isEqualTo(1);
      try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM remote_items WHERE name = 'cheap'")) {
        r.next();
        assertThat(r.getLong(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void errorsAreSqlExceptionsAndTheConnectionGoesOn() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT FROM WHERE")).isInstanceOf(SQLException.class)
          .hasMessageContaining("line 1, column");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table")).isInstanceOf(SQLException.class)
          .hasMessageContaining("no_such_table' not found");
      s.execute("CREATE TABLE remote_keys (id INTEGER PRIMARY KEY)");
      s.executeUpdate("INSERT INTO remote_keys VALUES (1)");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO remote_keys VALUES (1)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
      try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM remote_keys")) {
        r.next();
        assertThat(r.getLong(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void withoutTheTokenNothingRuns() {
    assertThatThrownBy(() -> {
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE not_made (id INTEGER PRIMARY KEY)");
      }
    }).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.executeQuery("SELECT * FROM not_made");
      }
    }).isInstanceOf(SQLException.class);
  }

  @Test
  void malformedRequestsGetAnErrorAndTheEndpointGoesOn() throws Exception {
    Http.Answer notJson = http.post("/v1/jdbc", "{\"request\":");
    assertThat(notJson.status()).isEqualTo(400);
    Http.Answer unknown = http.post("/v1/jdbc", "{\"request\":\"noSuchRequest\"}");
    assertThat(unknown.status()).as(unknown.text()).isEqualTo(200);
    assertThat(unknown.json().get("response").asText()).isEqualTo("error");
    Http.Answer noConnection = http.post("/v1/jdbc", "{\"request\":\"createStatement\",\"connectionId\":\"nope\"}");
    assertThat(noConnection.json().get("response").asText()).as(noConnection.text()).isEqualTo("error");
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1 + 1")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(2);
    }
  }
}
