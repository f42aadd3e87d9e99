package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.KeySet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a live query watches of the scans its run made. */
class WatchedScansTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("id", ColumnType.INTEGER, false, 0, 0), new Column("v", ColumnType.INTEGER, true, 0, 0)),
      List.of("id"), "0123456789abcdef0123456789abcdef");

  @Test
  void aJoinsKeySetIsNotWatched() {
    Expr own = new Expr.Call(Expr.Op.GT, List.of(new Expr.Column(1, ColumnType.INTEGER),
        new Expr.Literal(3, ColumnType.INTEGER)));
    Expr keys = new Expr.Among(List.of(new Expr.Column(0, ColumnType.INTEGER)),
        KeySet.of(List.of(ColumnType.INTEGER), List.of(List.of(1), List.of(2))).orElseThrow());
    ScanSpec withOwn = new ScanSpec(T, new ScanSpec.Access.Full(),
        Optional.of(new Expr.Call(Expr.Op.AND, List.of(own, keys))), List.of(0, 1), Optional.empty());
    assertThat(LiveQueries.watched(List.of(withOwn)).get(T.rowNamespace()).filter()).contains(own);
    ScanSpec keysOnly = new ScanSpec(T, new ScanSpec.Access.Full(), Optional.of(keys), List.of(0, 1),
        Optional.empty());
    assertThat(LiveQueries.watched(List.of(keysOnly)).get(T.rowNamespace()).filter()).isEmpty();
  }
}
