package dev.weft.query.internal;

import dev.weft.api.StoredObject;
import dev.weft.api.Storage;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Catalog;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowCursor;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.Tables;
import dev.weft.query.data.WriteReport;
import dev.weft.query.row.Fragment;
import dev.weft.query.row.RowCodec;
import dev.weft.query.row.RowKeys;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Tables} over the DHT: the catalog in globals, full scans down the tree ({@link ScanOrigin}), primary-key
 * reads as DHT gets, writes through the row keepers ({@link RowWriter}).
 */
final class DhtTables implements Tables {
  private final Catalog catalog;
  private final Storage storage;
  private final ScanOrigin scans;
  private final RowWriter writer;

  DhtTables(Catalog catalog, Storage storage, ScanOrigin scans, RowWriter writer) {
    this.catalog = catalog;
    this.storage = storage;
    this.scans = scans;
    this.writer = writer;
  }

  @Override
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public RowCursor scan(ScanSpec spec, QueryContext context) {
    current(spec.table());
    if (spec.access() instanceof ScanSpec.Access.Keys keys) {
      return byKeys(spec, keys, context);
    }
    if (spec.access() instanceof ScanSpec.Access.IndexRange) {
      throw new QueryException(Reason.UNAVAILABLE, "index ranges are not served yet; plan a full scan");
    }
    ScanOrigin.Result r = scans.scan(spec, context);
    return new ListCursor(r.rows(), r.coverage());
  }

  /** Primary-key reads: a get per key, in parallel; the spec's filter and projection applied here. */
  private RowCursor byKeys(ScanSpec spec, ScanSpec.Access.Keys keys, QueryContext context) {
    TableDefinition t = spec.table();
    List<CompletableFuture<Optional<StoredObject>>> gets = new ArrayList<>();
    for (List<Object> key : keys.keys()) {
      gets.add(storage.get(t.rowNamespace(), RowKeys.keyOf(t, key)));
    }
    Blocking.await(CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)), context, "reading rows by key");
    Fragment fragment = Fragment.of(spec);
    List<Object[]> out = new ArrayList<>();
    for (CompletableFuture<Optional<StoredObject>> g : gets) {
      Optional<StoredObject> o = g.join();
      if (o.isPresent()) {
        fragment.add(RowCodec.fromJson(t, o.get().value()), out::add);
      }
    }
    fragment.finish(out::add);
    return new ListCursor(out, new Coverage(0, 0, true));
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

  /** Rows already gathered. */
  private static final class ListCursor implements RowCursor {
    private final Iterator<Object[]> rows;
    private final Coverage coverage;

    ListCursor(List<Object[]> rows, Coverage coverage) {
      this.rows = rows.iterator();
      this.coverage = coverage;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Object[] next() {
      if (!rows.hasNext()) {
        throw new NoSuchElementException();
      }
      return rows.next();
    }

    @Override
    public Coverage coverage() {
      return coverage;
    }

    @Override
    public void close() {}
  }
}
