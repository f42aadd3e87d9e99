package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.weft.api.Version;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.schema.Global;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The sweep's rule: which rows of a row namespace are dead, from the newest version of the table's global this node
 * holds. Rows of an incarnation this node has not heard of yet must never be taken for dead.
 */
class ReclaimerTest {
  private static final String OLD = "0".repeat(31) + "1";
  private static final String NEW = "0".repeat(31) + "2";
  private static final long MILLIS = 1_800_000_000_000L;
  private static final Version AT = new Version(MILLIS << 16, 7);

  private static Global definition(String incarnation) {
    TableDefinition t = new TableDefinition("t", List.of(new Column("k", ColumnType.BIGINT, false, 0, 0)),
        List.of("k"), incarnation);
    return new Global(t.globalName(), Optional.of(t.toJson()), AT);
  }

  @Test
  void rowsOfAnIncarnationDroppedOrReplacedAreDeadBeforeTheChangeLessTheSkew() {
    OptionalLong dropped = Reclaimer.deadBefore("t", OLD, Optional.of(new Global("sql.table.t", Optional.empty(), AT)));
    assertThat(dropped).hasValue(MILLIS - Settling.SKEW_MILLIS);
    assertThat(Reclaimer.deadBefore("t", OLD, Optional.of(definition(NEW)))).hasValue(MILLIS - Settling.SKEW_MILLIS);
  }

  @Test
  void rowsMayBeLiveWhenTheGlobalNamesTheirIncarnationOrIsUnknownOrUnreadable() {
    assertThat(Reclaimer.deadBefore("t", OLD, Optional.of(definition(OLD)))).isEmpty();
    assertThat(Reclaimer.deadBefore("t", OLD, Optional.empty())).isEmpty();
    Global unreadable = new Global("sql.table.t", Optional.of(TextNode.valueOf("a newer node's form")), AT);
    assertThat(Reclaimer.deadBefore("t", OLD, Optional.of(unreadable))).isEmpty();
  }

  @Test
  void aRowNamespaceNamesItsTableAndIncarnation() {
    String ns = TableDefinition.rowNamespace("orders", NEW);
    assertThat(TableDefinition.tableOfRowNamespace(ns)).hasValue("orders");
    assertThat(TableDefinition.incarnationOfRowNamespace(ns)).hasValue(NEW);
    assertThat(TableDefinition.incarnationOfRowNamespace("pht:sql.x")).isEmpty();
  }
}
