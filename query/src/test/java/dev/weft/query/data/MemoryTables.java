package dev.weft.query.data;

import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.row.Fragment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Tables} in memory, for tests of the SQL layer: a {@link MemoryCatalog}, rows by primary key (or a generated
 * row id) per table incarnation, scans that apply their spec with {@link Fragment}, as nodes do, and writes that check keys as
 * row keepers do (a duplicate key fails its row). {@link #stall} makes scans wait for the statement's end (its
 * timeout or cancel) so tests can see it. Thread-safe.
 */
public final class MemoryTables implements Tables {
  private final MemoryCatalog catalog = new MemoryCatalog();
  private final TableSizes sizes = new TableSizes();
  private final Map<String, Map<Object, Object[]>> rows = new ConcurrentHashMap<>();
  private final AtomicLong rowIds = new AtomicLong();
  private final AtomicInteger scans = new AtomicInteger();
  private final List<ScanSpec> specs = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stall;
  private volatile Coverage coverage = new Coverage(1, 1, true);
  private volatile long rehashJoinRows = Long.MAX_VALUE;

  @Override
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public TableSizes sizes() {
    return sizes;
  }

  /** Whether {@code v} lies in {@code range}, as an index's entries do (NULL in none). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean within(Object v, ScanSpec.Access.IndexRange range) {
    if (v == null) {
      return false;
    }
    Comparable c = (Comparable) v;
    if (range.lower() != null) {
      int cmp = c.compareTo(range.lower());
      if (cmp < 0 || cmp == 0 && !range.lowerInclusive()) {
        return false;
      }
    }
    if (range.upper() != null) {
      int cmp = c.compareTo(range.upper());
      return cmp < 0 || cmp == 0 && range.upperInclusive();
    }
    return true;
  }

  @Override
  public long rehashJoinRows() {
    return rehashJoinRows;
  }

  /** Sets what {@link #rehashJoinRows()} answers (the planner's threshold for joins that rehash). */
  public void rehashJoinRows(long rows) {
    rehashJoinRows = rows;
  }

  /** Makes every scan from now on wait until its statement times out or is cancelled. */
  public void stall(boolean on) {
    stall = on;
  }

  /** The coverage every scan reports from now on. */
  public void coverage(Coverage c) {
    coverage = c;
  }

  /** How many scans started. */
  public int scans() {
    return scans.get();
  }

  /** The specs of the scans run so far, in order. */
  public List<ScanSpec> specs() {
    synchronized (specs) {
      return List.copyOf(specs);
    }
  }

  @Override
  public RowCursor scan(ScanSpec spec, QueryContext context) {
    scans.incrementAndGet();
    specs.add(spec);
    context.check();
    Map<Object, Object[]> table = rows.getOrDefault(spec.table().incarnation(), Map.of());
    List<Object[]> selected = new ArrayList<>();
    synchronized (table) {
      if (spec.access() instanceof ScanSpec.Access.Keys keys) {
        for (List<Object> key : keys.keys()) {
          Object[] row = table.get(key);
          if (row != null) {
            selected.add(row.clone());
          }
        }
      } else if (spec.access() instanceof ScanSpec.Access.IndexRange range) {
        int c = spec.table().columns().indexOf(spec.table().column(range.index().columns().get(0)).orElseThrow());
        table.values().stream().filter(r -> within(r[c], range)).forEach(r -> selected.add(r.clone()));
      } else {
        table.values().forEach(r -> selected.add(r.clone()));
      }
    }
    List<Object[]> out = new ArrayList<>();
    Fragment fragment = Fragment.of(spec);
    selected.forEach(r -> fragment.add(r, out::add));
    fragment.finish(out::add);
    Coverage reported = coverage;
    boolean stalling = stall;
    return new RowCursor() {
      private final Iterator<Object[]> it = out.iterator();

      @Override
      public boolean hasNext() {
        while (stalling) {
          context.check();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return it.hasNext();
      }

      @Override
      public Object[] next() {
        return it.next();
      }

      @Override
      public Coverage coverage() {
        return reported;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public WriteReport write(TableDefinition table, List<RowOp> ops, QueryContext context) {
    context.check();
    Optional<TableDefinition> current = catalog.table(table.name());
    if (current.isEmpty() || !current.get().incarnation().equals(table.incarnation())) {
      throw new QueryException(QueryException.Reason.CONFLICT, "table " + table.name() + " was dropped or redefined");
    }
    Map<Object, Object[]> data = rows.computeIfAbsent(table.incarnation(), k -> new LinkedHashMap<>());
    long applied = 0;
    List<WriteReport.Failure> failures = new ArrayList<>();
    synchronized (data) {
      for (int i = 0; i < ops.size(); i++) {
        String failure = apply(table, data, ops.get(i));
        if (failure == null) {
          applied++;
        } else {
          failures.add(new WriteReport.Failure(i, keyText(table, row(ops.get(i))), failure));
        }
      }
    }
    return new WriteReport(applied, failures);
  }

  private String apply(TableDefinition table, Map<Object, Object[]> data, RowOp op) {
    Object[] row = row(op);
    for (int c = 0; c < row.length; c++) {
      Column col = table.columns().get(c);
      if (row[c] == null && !col.nullable()) {
        return "NULL in NOT NULL column " + col.name();
      }
    }
    boolean keyed = !table.primaryKey().isEmpty();
    if (op instanceof RowOp.Insert) {
      Object key = keyed ? key(table, row) : rowIds.incrementAndGet();
      if (data.containsKey(key)) {
        return "duplicate key";
      }
      data.put(key, row.clone());
    } else if (op instanceof RowOp.Upsert) {
      data.put(keyed ? key(table, row) : rowIds.incrementAndGet(), row.clone());
    } else if (op instanceof RowOp.Delete d) {
      Object key = find(table, data, d.row());
      if (key == null) {
        return "row not found";
      }
      data.remove(key);
    } else if (op instanceof RowOp.Update u) {
      Object key = find(table, data, u.before());
      if (key == null) {
        return "row not found";
      }
      Object newKey = keyed ? key(table, u.after()) : key;
      if (!newKey.equals(key) && data.containsKey(newKey)) {
        return "duplicate key";
      }
      data.remove(key);
      data.put(newKey, u.after().clone());
    }
    return null;
  }

  private static Object find(TableDefinition table, Map<Object, Object[]> data, Object[] row) {
    if (!table.primaryKey().isEmpty()) {
      Object key = key(table, row);
      return data.containsKey(key) ? key : null;
    }
    for (Map.Entry<Object, Object[]> e : data.entrySet()) {
      if (Arrays.equals(e.getValue(), row)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static Object[] row(RowOp op) {
    if (op instanceof RowOp.Insert i) {
      return i.row();
    } else if (op instanceof RowOp.Upsert u) {
      return u.row();
    } else if (op instanceof RowOp.Update u) {
      return u.after();
    }
    return ((RowOp.Delete) op).row();
  }

  private static List<Object> key(TableDefinition table, Object[] row) {
    List<Object> key = new ArrayList<>();
    for (String k : table.primaryKey()) {
      key.add(row[table.columns().indexOf(table.column(k).orElseThrow())]);
    }
    return key;
  }

  private static String keyText(TableDefinition table, Object[] row) {
    return table.primaryKey().isEmpty() ? "" : key(table, row).toString();
  }
}
