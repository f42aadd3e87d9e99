package dev.weft.query.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.query.sql.Parsing;
import dev.weft.query.sql.SqlCreateIndex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CREATE INDEX becomes a definition checked against its table; its JSON is exact and strict; its PHT name is derived. */
class IndexDefinitionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableDefinition T1 = new TableDefinition("t1", List.of(
      new Column("a", ColumnType.INTEGER, false, 0, 0), new Column("b", ColumnType.VARCHAR, true, 0, 0)),
      List.of("a"), "0123456789abcdef0123456789abcdef");

  private static final String ID = "00112233445566778899aabbccddeeff";

  private static IndexDefinition create(String sql) throws Exception {
    return create(sql, ID);
  }

  private static IndexDefinition create(String sql, String id) throws Exception {
    SqlCreateIndex node = (SqlCreateIndex) Parsing.parse(sql);
    return Ddl.createIndex(node, T1, id);
  }

  @Test
  void anIndexIsCheckedAgainstItsTableAndItsJsonComesBackEqual() throws Exception {
    IndexDefinition i = create("CREATE UNIQUE INDEX T1B ON t1 (b, a)");
    assertThat(i).isEqualTo(new IndexDefinition("t1b", "t1", T1.incarnation(), List.of("b", "a"), true, false, ID));
    assertThat(i.globalName()).isEqualTo("sql.index.t1b");
    assertThat(IndexDefinition.fromJson("t1b", JSON.readTree(i.toJson().toString()))).isEqualTo(i);
    assertThat(i.phtIndex()).matches("sql\\.[0-9a-f]{32}").hasSizeLessThanOrEqualTo(64)
        .isEqualTo(create("create unique index t1b on t1(b, a)").phtIndex())
        .isNotEqualTo(new IndexDefinition("t1b", "t1", "f".repeat(32), List.of("b"), false, false, ID).phtIndex())
        .as("each creation has a PHT index of its own").isNotEqualTo(create("CREATE UNIQUE INDEX T1B ON t1 (b, a)",
            "f".repeat(32)).phtIndex());

    assertThatThrownBy(() -> create("CREATE INDEX i ON t1 (z)")).hasMessageContaining("table t1 has no column z");
    assertThatThrownBy(() -> create("CREATE INDEX i ON t2 (a)")).hasMessageContaining("is on table t2, not t1");
    assertThatThrownBy(() -> create("CREATE INDEX i ON t1 (a, a)")).hasMessageContaining("names a column twice");
    assertThatThrownBy(() -> create("CREATE INDEX i ON t1 (a)", "x")).hasMessageContaining("32 lower-case hex");
    assertThatThrownBy(() -> IndexDefinition.fromJson("i", JSON.readTree("{\"table\":\"t1\"}")))
        .hasMessageContaining("\"incarnation\" must be");
    assertThatThrownBy(() -> IndexDefinition.fromJson("i", JSON.readTree("{\"table\":\"t1\",\"incarnation\":\"x\","
        + "\"columns\":[1],\"unique\":false}"))).hasMessageContaining("column names must be strings");
  }

  @Test
  void aDefinitionWrittenBeforeIdsKeepsItsPhtIndex() throws Exception {
    IndexDefinition legacy = IndexDefinition.fromJson("t1b", JSON.readTree("{\"table\":\"t1\",\"incarnation\":\""
        + T1.incarnation() + "\",\"columns\":[\"b\"],\"unique\":false,\"ready\":true}"));
    assertThat(legacy.id()).isEmpty();
    assertThat(legacy.toJson().has("id")).isFalse();
    // The name the PHT index had before ids: SHA-256 of name, incarnation and columns, its first 16 bytes in hex.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] digest = sha.digest(("t1b\n" + T1.incarnation() + "\nb").getBytes(StandardCharsets.UTF_8));
    assertThat(legacy.phtIndex()).isEqualTo("sql." + HexFormat.of().formatHex(digest, 0, 16));
  }
}
