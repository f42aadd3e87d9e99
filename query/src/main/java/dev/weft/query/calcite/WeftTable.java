package dev.weft.query.calcite;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowCursor;
import dev.weft.query.data.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * One weft table as Calcite sees it, for one connection: its row type and key from the catalog's definition, a
 * {@code WeftScan} as its relational form, and the two entry points the generated code of a plan calls, {@link #scan}
 * and {@link #modify}. Public only for that generated code (compiled outside this package); made by {@code
 * WeftSchema}. Immutable.
 */
public final class WeftTable extends AbstractQueryableTable implements TranslatableTable {
  /** Rows assumed for a table this node has not read whole: equal guesses keep join orders from the query. */
  private static final double ROWS_GUESS = 1000;

  private final TableDefinition definition;
  private final Tables tables;
  private final StatementContexts contexts;

  WeftTable(TableDefinition definition, Tables tables, StatementContexts contexts) {
    super(Object[].class);
    this.definition = definition;
    this.tables = tables;
    this.contexts = contexts;
  }

  TableDefinition definition() {
    return definition;
  }

  /** The indexes of this table a scan may read: built, of this incarnation; in the catalog's order. */
  List<IndexDefinition> readyIndexes() {
    return tables.catalog().indexesOf(definition).stream().filter(IndexDefinition::ready).toList();
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return RowTypes.of(typeFactory, definition);
  }

  @Override
  public Statistic getStatistic() {
    List<ImmutableBitSet> keys = definition.primaryKey().isEmpty() ? List.of()
        : List.of(ImmutableBitSet.of(definition.primaryKey().stream()
            .mapToInt(k -> definition.columns().indexOf(definition.column(k).orElseThrow())).toArray()));
    double rows = tables.sizes().rows(definition).stream().mapToDouble(n -> Math.max(1, n)).findFirst()
        .orElse(ROWS_GUESS);
    return Statistics.of(rows, keys);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new WeftScan(context.getCluster(), relOptTable, ScanPlan.full(definition));
  }

  /** Not used: weft tables are read through {@code WeftScan}, never as a Queryable. */
  @Override
  public <T> Queryable<T> asQueryable(QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    throw new UnsupportedOperationException("table " + definition.name() + " is read through its scan operator");
  }

  /**
   * Runs the scan registered as {@code plan} for the statement execution {@code root}. Called by generated code on
   * the statement's thread.
   */
  public Enumerable<Object[]> scan(DataContext root, String plan) {
    return Linq4j.asEnumerable(ScanRunner.run(tables, contexts.of(root), PlanCodec.scan(plan),
        i -> root.get("?" + i)));
  }

  /** As {@link #scan}, for a scan of one column: its values, not rows of one value. */
  public Enumerable<Object> scanValues(DataContext root, String plan) {
    return scan(root, plan).select(row -> row[0]);
  }

  /**
   * Runs the join registered as {@code plan}, whose inner side is this table, against the rows of its outer side
   * ({@code outer}: rows as arrays, or bare values when {@code scalar}). Called by generated code on the statement's
   * thread.
   */
  public Enumerable<Object[]> join(DataContext root, String plan, Enumerable<?> outer, boolean scalar) {
    QueryContext context = contexts.of(root);
    List<Object[]> rows = new ArrayList<>();
    for (Object o : outer) {
      rows.add(scalar ? new Object[] {o} : (Object[]) o);
      if (rows.size() > context.maxRows()) {
        throw new QueryException(QueryException.Reason.TOO_LARGE, "the outer side of a join with table "
            + definition.name() + " has more than " + context.maxRows() + " rows (maxRows)");
      }
    }
    return Linq4j.asEnumerable(JoinRunner.run(tables, context, PlanCodec.join(plan), rows, i -> root.get("?" + i)));
  }

  /**
   * Runs the join that rehashes both sides registered as {@code plan} (its left table is this one): reads its rows
   * whole, as a scan does, and records its coverage. Called by generated code on the statement's thread.
   */
  public Enumerable<Object[]> rehashJoin(DataContext root, String plan) {
    QueryContext context = contexts.of(root);
    context.check();
    RehashPlan p = PlanCodec.rehash(plan);
    JoinSpec spec;
    try {
      spec = p.bind(i -> root.get("?" + i));
    } catch (IllegalArgumentException e) {
      throw new QueryException(QueryException.Reason.INVALID, e.getMessage(), e);
    }
    List<Object[]> rows = new ArrayList<>();
    try (RowCursor cursor = tables.join(spec, context)) {
      while (cursor.hasNext()) {
        rows.add(cursor.next());
        if (rows.size() > context.maxRows()) {
          throw new QueryException(QueryException.Reason.TOO_LARGE, "the join of tables " + spec.left().table().name()
              + " and " + spec.right().table().name() + " brings more than " + context.maxRows() + " rows (maxRows)");
        }
      }
      context.record(cursor.coverage());
    }
    return Linq4j.asEnumerable(rows);
  }

  /** Rows both sides of a join of two whole scans bring before it rehashes them ({@link Tables#rehashJoinRows}). */
  long rehashJoinRows() {
    return tables.rehashJoinRows();
  }

  /**
   * Applies the write registered as {@code plan} to {@code rows} (the rows the statement's input produced) and returns
   * the count of rows written. Called by generated code on the statement's thread.
   */
  public Enumerable<Long> modify(DataContext root, String plan, Enumerable<Object[]> rows) {
    return Linq4j.singletonEnumerable(ModifyRunner.run(tables, contexts.of(root),
        PlanCodec.modify(plan), rows));
  }
}
