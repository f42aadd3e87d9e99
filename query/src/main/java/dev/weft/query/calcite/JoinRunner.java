package dev.weft.query.calcite;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.Tables;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.Exprs;
import dev.weft.query.expr.KeySet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Runs a {@link JoinPlan}: the distinct keys of the outer rows, then the inner rows that match them — by primary-key
 * gets, index lookups or a scan that carries the keys (a {@link KeySet}) — then the join itself at the asking node,
 * which compares the keys exactly (a Bloom filter's false positives end there). No outer key, no inner scan. Each
 * scan records its coverage in the statement's context, as any scan does. Stateless.
 */
final class JoinRunner {
  /** Most distinct keys fetched by gets; more are one scan that carries them. */
  static final int MAX_FETCHED_KEYS = 10_000;
  /** Most index lookups (one per distinct value, one after another); more are one scan that carries the keys. */
  static final int MAX_INDEX_PROBES = 16;

  private JoinRunner() {}

  /** The joined rows: each outer row followed by each matching inner row (or NULLs, in a LEFT join). */
  static Iterable<Object[]> run(Tables tables, QueryContext context, JoinPlan plan, List<Object[]> outer,
      IntFunction<Object> params) {
    ScanSpec base = ScanRunner.bind(plan.inner(), params);
    Map<List<Object>, List<Object>> keys = new LinkedHashMap<>(); // canonical key -> the key as the outer row holds it
    List<List<Object>> outerKeys = new ArrayList<>(outer.size());
    for (Object[] row : outer) {
      List<Object> key = new ArrayList<>(plan.outerKeys().size());
      plan.outerKeys().forEach(c -> key.add(row[c]));
      Optional<List<Object>> canonical = KeySet.canonical(key);
      outerKeys.add(canonical.orElse(null));
      canonical.ifPresent(c -> keys.putIfAbsent(c, key));
    }
    List<Object[]> inner = keys.isEmpty() ? List.of() : fetch(tables, context, plan, base, keys.values());
    Map<List<Object>, List<Object[]>> byKey = new HashMap<>();
    for (Object[] row : inner) {
      List<Object> key = new ArrayList<>(plan.innerKeys().size());
      plan.innerKeys().forEach(c -> key.add(row[c]));
      KeySet.canonical(key).ifPresent(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(row));
    }
    int innerWidth = plan.inner().columns().size();
    return () -> new Joined(outer, outerKeys, byKey, plan.left(), innerWidth);
  }

  private static List<Object[]> fetch(Tables tables, QueryContext context, JoinPlan plan, ScanSpec base,
      Collection<List<Object>> keys) {
    TableDefinition table = plan.inner().table();
    if (plan.fetch() == JoinPlan.Fetch.KEYS && keys.size() <= MAX_FETCHED_KEYS) {
      List<List<Object>> primaryKeys = new ArrayList<>();
      for (List<Object> key : keys) {
        inKeyOrder(plan, table, key).ifPresent(primaryKeys::add);
      }
      List<Object[]> rows = new ArrayList<>();
      for (int from = 0; from < primaryKeys.size(); from += KeyAccess.MAX_KEYS) {
        List<List<Object>> batch = primaryKeys.subList(from, Math.min(primaryKeys.size(), from + KeyAccess.MAX_KEYS));
        rows.addAll(ScanRunner.run(tables, context, base.withAccess(new ScanSpec.Access.Keys(batch))));
      }
      return rows;
    }
    if (plan.fetch() == JoinPlan.Fetch.INDEX) {
      String first = plan.index().orElseThrow().columns().get(0);
      int k = 0;
      while (!table.columns().get(plan.innerColumn(k)).name().equals(first)) {
        k++;
      }
      Column column = table.columns().get(plan.innerColumn(k));
      Set<Object> values = new LinkedHashSet<>();
      for (List<Object> key : keys) {
        coerced(key.get(k), column).ifPresent(values::add);
      }
      if (values.size() <= MAX_INDEX_PROBES) {
        List<Object[]> rows = new ArrayList<>();
        for (Object v : values) {
          rows.addAll(ScanRunner.run(tables, context, base.withAccess(
              new ScanSpec.Access.IndexRange(plan.index().get(), v, true, v, true))));
        }
        return rows;
      }
    }
    return ScanRunner.run(tables, context, withKeySet(tables, context, plan, table, base, keys));
  }

  /**
   * {@code base} whose filter also requires the inner key to be among {@code keys}: when the set can travel, and, if
   * the table's size is known, when sending it to every node costs less than the rows it keeps back ({@link
   * KeySet#pays}).
   */
  private static ScanSpec withKeySet(Tables tables, QueryContext context, JoinPlan plan, TableDefinition table,
      ScanSpec base, Collection<List<Object>> keys) {
    List<Expr.Column> columns = new ArrayList<>();
    List<ColumnType> types = new ArrayList<>();
    for (int i = 0; i < plan.innerKeys().size(); i++) {
      ColumnType type = table.columns().get(plan.innerColumn(i)).type();
      columns.add(new Expr.Column(plan.innerColumn(i), type));
      types.add(type);
    }
    List<List<Object>> values = new ArrayList<>();
    next:
    for (List<Object> key : keys) {
      List<Object> v = new ArrayList<>(key.size());
      for (int i = 0; i < key.size(); i++) {
        Optional<Object> c = coerced(key.get(i), table.columns().get(plan.innerColumn(i)));
        if (c.isEmpty()) {
          continue next;
        }
        v.add(c.get());
      }
      values.add(v);
    }
    Optional<KeySet> set = KeySet.of(types, values);
    // The nodes this statement's scans reached so far (its outer side's) stand for the network's size.
    long nodes = context.coverage().nodes();
    OptionalLong rows = tables.sizes().rows(table);
    if (set.isEmpty() || nodes > 0 && rows.isPresent() && !set.get().pays(nodes, rows.getAsLong(),
        base.columns().size())) {
      return base; // too many keys to send to every node: the inner rows come unfiltered by them
    }
    Expr among = new Expr.Among(columns, set.get());
    Expr filter = base.filter().map(f -> Exprs.and(List.of(f, among))).orElse(among);
    return new ScanSpec(table, base.access(), Optional.of(filter), base.columns(), base.aggregate(), base.topK());
  }

  /** The outer key as the inner table's primary key (its columns' order and types); empty if no row has it. */
  private static Optional<List<Object>> inKeyOrder(JoinPlan plan, TableDefinition table, List<Object> key) {
    List<Object> out = new ArrayList<>();
    for (String name : table.primaryKey()) {
      int i = 0;
      while (!table.columns().get(plan.innerColumn(i)).name().equals(name)) {
        i++;
      }
      Optional<Object> v = coerced(key.get(i), table.columns().get(plan.innerColumn(i)));
      if (v.isEmpty()) {
        return Optional.empty();
      }
      out.add(v.get());
    }
    return Optional.of(out);
  }

  /**
   * {@code value} as {@code column} holds it (a DECIMAL at its scale), to look it up; the join compares the original.
   * Empty when the column cannot hold it.
   */
  private static Optional<Object> coerced(Object value, Column column) {
    try {
      return Optional.ofNullable(ColumnValues.coerce(value, column));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The joined rows, made as they are read: the join's output can be far larger than its sides. */
  private static final class Joined implements Iterator<Object[]> {
    private final List<Object[]> outer;
    private final List<List<Object>> outerKeys;
    private final Map<List<Object>, List<Object[]>> inner;
    private final boolean left;
    private final int innerWidth;
    private int row = -1;
    private List<Object[]> matches = List.of();
    private int match;

    Joined(List<Object[]> outer, List<List<Object>> outerKeys, Map<List<Object>, List<Object[]>> inner, boolean left,
        int innerWidth) {
      this.outer = outer;
      this.outerKeys = outerKeys;
      this.inner = inner;
      this.left = left;
      this.innerWidth = innerWidth;
    }

    @Override
    public boolean hasNext() {
      while (match >= matches.size()) {
        if (++row >= outer.size()) {
          return false;
        }
        List<Object> key = outerKeys.get(row);
        List<Object[]> found = key == null ? null : inner.get(key);
        matches = found != null ? found : left ? List.<Object[]>of(new Object[innerWidth]) : List.of();
        match = 0;
      }
      return true;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object[] o = outer.get(row);
      Object[] i = matches.get(match++);
      Object[] out = new Object[o.length + i.length];
      System.arraycopy(o, 0, out, 0, o.length);
      System.arraycopy(i, 0, out, o.length, i.length);
      return out;
    }
  }
}
