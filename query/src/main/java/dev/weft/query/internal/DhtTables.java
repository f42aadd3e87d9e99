package dev.weft.query.internal;

import dev.weft.api.StoredObject;
import dev.weft.api.Storage;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Catalog;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowCursor;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.TableSizes;
import dev.weft.query.data.Tables;
import dev.weft.query.data.WriteReport;
import dev.weft.query.row.Fragment;
import dev.weft.query.row.RowCodec;
import dev.weft.query.row.RowKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link Tables} over the DHT: the catalog in globals, full scans down the tree ({@link ScanOrigin}), primary-key
 * reads as DHT gets, writes through the row keepers ({@link RowWriter}).
 */
final class DhtTables implements Tables {
  /** Rows fetched (or index entries added) at a time. */
  private static final int GET_WINDOW = 64;
  private final Catalog catalog;
  private final Storage storage;
  private final ScanOrigin scans;
  private final RowWriter writer;

  private final IndexEntries indexes;
  private final RehashJoins joins;
  private final long rehashJoinRows;
  private final TableSizes sizes = new TableSizes();

  DhtTables(Catalog catalog, Storage storage, ScanOrigin scans, RowWriter writer, IndexEntries indexes,
      RehashJoins joins, long rehashJoinRows) {
    this.catalog = catalog;
    this.rehashJoinRows = rehashJoinRows;
    this.joins = joins;
    this.storage = storage;
    this.scans = scans;
    this.writer = writer;
    this.indexes = indexes;
  }

  @Override
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public TableSizes sizes() {
    return sizes;
  }

  @Override
  public RowCursor scan(ScanSpec spec, QueryContext context) {
    current(spec.table());
    ScanLog.seen(spec);
    if (spec.access() instanceof ScanSpec.Access.Keys keys) {
      return byKeys(spec, keys, context);
    }
    if (spec.access() instanceof ScanSpec.Access.IndexRange range) {
      if (catalog.index(range.index().name()).filter(i -> i.equals(range.index().built())).isPresent()) {
        return byIndex(spec, range, context);
      }
      // Planned while the index stood; dropped (and no longer kept current) since: every row is read instead.
      spec = spec.withAccess(new ScanSpec.Access.Full());
    }
    ScanOrigin.Result r = scans.scan(spec, context);
    return RowCursor.of(r.rows(), r.coverage());
  }

  @Override
  public long rehashJoinRows() {
    return rehashJoinRows;
  }

  /**
   * A join that rehashes both sides across the nodes ({@link RehashJoins}); its answer is due 200 ms before the
   * statement's deadline, so that an incomplete one still arrives (as a scan's).
   */
  @Override
  public RowCursor join(JoinSpec join, QueryContext context) {
    current(join.left().table());
    current(join.right().table());
    ScanLog.seen(join.left());
    ScanLog.seen(join.right());
    long nanos = context.nanosLeft() - TimeUnit.MILLISECONDS.toNanos(200);
    if (nanos <= 0) {
      context.check();
      throw new QueryException(Reason.TIMEOUT, "no time left for a join");
    }
    Scans.Result r = Blocking.await(joins.run(join, nanos, context.maxRows(), context.maxBytes()), context,
        "joining tables " + join.left().table().name() + " and " + join.right().table().name());
    if (!r.coverage().complete() && !context.allowPartial()) {
      throw new QueryException(Reason.INCOMPLETE, "the join of tables " + join.left().table().name() + " and "
          + join.right().table().name() + " heard from " + r.coverage().answered() + " of " + r.coverage().nodes()
          + " nodes (" + r.shortfall() + "); ask for partial answers to get what arrived");
    }
    return RowCursor.of(r.rows(), r.coverage());
  }

  /** Primary-key reads: a get per key, in parallel; the spec's filter and projection applied here. */
  private RowCursor byKeys(ScanSpec spec, ScanSpec.Access.Keys keys, QueryContext context) {
    List<String> rowKeys = keys.keys().stream().map(k -> RowKeys.keyOf(spec.table(), k)).toList();
    return fetch(spec, rowKeys, context, "reading rows by key");
  }

  /**
   * A range of an index: the keys of the rows its entries name, then a get per row, each row checked against the
   * spec's whole filter again (an entry may be stale), then projected or aggregated.
   */
  private RowCursor byIndex(ScanSpec spec, ScanSpec.Access.IndexRange range, QueryContext context) {
    return fetch(spec, indexes.rowKeys(spec.table(), range, context), context,
        "reading rows of index " + range.index().name());
  }

  /** Gets the rows {@code keys} name, a window at a time, and runs the spec's fragment (filter, projection) on them. */
  private RowCursor fetch(ScanSpec spec, List<String> keys, QueryContext context, String what) {
    TableDefinition t = spec.table();
    Fragment fragment = Fragment.of(spec);
    List<Object[]> out = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += GET_WINDOW) {
      List<CompletableFuture<Optional<StoredObject>>> gets = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(keys.size(), from + GET_WINDOW))) {
        gets.add(storage.get(t.rowNamespace(), key));
      }
      Blocking.await(CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)), context, what);
      for (CompletableFuture<Optional<StoredObject>> g : gets) {
        Optional<StoredObject> o = g.join();
        if (o.isPresent()) {
          fragment.add(RowCodec.fromJson(t, o.get().value()), out::add);
        }
      }
    }
    fragment.finish(out::add);
    return RowCursor.of(out, new Coverage(0, 0, true));
  }

  /**
   * Fills a new index from the rows there are: a full scan, then an entry per row (the PHT paces them). Rows written
   * meanwhile get their entries from their keepers, which know the index by now (the catalog settled first).
   *
   * @throws QueryException CONFLICT when two rows share a value of a unique index
   */
  void build(IndexDefinition index, QueryContext context) {
    TableDefinition t = catalog.table(index.table()).filter(x -> x.incarnation().equals(index.tableIncarnation()))
        .orElseThrow(() -> new QueryException(Reason.CONFLICT, "table " + index.table() + " was dropped or"
            + " redefined while index " + index.name() + " was built"));
    Blocking.await(indexes.create(t, index), context, "creating index " + index.name());
    ScanSpec all = new ScanSpec(t, new ScanSpec.Access.Full(), Optional.empty(),
        java.util.stream.IntStream.range(0, t.columns().size()).boxed().toList(), Optional.empty());
    List<ScanCollector.KeyedRow> rows = scans.scan(all, context).keyedRows();
    if (index.unique()) {
      // The entries go in a window at a time, in parallel: two rows with one value must be caught here, not by the
      // keepers' check, which cannot see an entry added at the same moment.
      int[] positions = index.columns().stream().mapToInt(c -> t.columns().indexOf(t.column(c).orElseThrow()))
          .toArray();
      Set<List<Object>> seen = new HashSet<>();
      for (ScanCollector.KeyedRow r : rows) {
        List<Object> values = java.util.Arrays.stream(positions).mapToObj(p -> r.values()[p]).toList();
        if (values.stream().noneMatch(java.util.Objects::isNull) && !seen.add(values)) {
          throw new QueryException(Reason.CONFLICT, "cannot create index " + index.name() + ": duplicate value for"
              + " unique index " + index.name() + " " + values);
        }
      }
    }
    for (int from = 0; from < rows.size(); from += GET_WINDOW) {
      List<CompletableFuture<String>> adds = new ArrayList<>();
      for (ScanCollector.KeyedRow r : rows.subList(from, Math.min(rows.size(), from + GET_WINDOW))) {
        adds.add(indexes.add(t, List.of(index), r.key(), null, r.values()));
      }
      Blocking.await(CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)), context,
          "filling index " + index.name());
      for (CompletableFuture<String> a : adds) {
        if (!IndexEntries.OK.equals(a.join())) {
          throw new QueryException(Reason.CONFLICT, "cannot create index " + index.name() + ": " + a.join());
        }
      }
    }
  }

  @Override
  public WriteReport write(TableDefinition table, List<RowOp> ops, QueryContext context) {
    current(table);
    return writer.write(table, ops, context);
  }

  /** Fails when the table was dropped or redefined after the statement read it: its rows would go nowhere. */
  private void current(TableDefinition table) {
    Optional<TableDefinition> now = catalog.table(table.name());
    if (now.isEmpty() || !now.get().incarnation().equals(table.incarnation())) {
      throw new QueryException(Reason.CONFLICT, "table " + table.name() + " was dropped or redefined while the"
          + " statement ran");
    }
  }
}
