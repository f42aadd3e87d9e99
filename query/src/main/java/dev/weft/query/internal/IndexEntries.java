package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Storage;
import dev.weft.pht.Entry;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.RowCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of SQL indexes, kept in PHT indexes (docs/query.md, "Indexes"): one entry per row whose first indexed
 * column is not NULL, keyed by that value ({@link #key}) and holding the row's key text. Written by row keepers around
 * each row write (the new entry before the row, the old one out after it), read by range scans, filled by CREATE
 * INDEX. An entry may outlive its row or value for a while (a removal that failed); readers re-check every row they
 * fetch, so a stale entry costs a get, never a wrong row. Thread-safe.
 */
final class IndexEntries {
  private static final Logger LOG = LoggerFactory.getLogger(IndexEntries.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** UTF-16 code units of a string value its key holds; longer values share their prefix's key. */
  static final int KEY_UNITS = 16;
  /** Characters of the row's part of an entry's key (one per byte of a hash of the row's key). */
  private static final int ID_CHARS = 4;
  /** The bound of the PHT's keys: a string's units take at most 4 UTF-8 bytes each, the row's part 2 each. */
  static final int STRING_BYTES = 4 * KEY_UNITS + 2 * ID_CHARS;
  /** Above every row part: each of its characters is at most U+0101. */
  private static final String ID_MAX = "\u0101".repeat(ID_CHARS);
  /** Above every key: U+10FFFF to the bound. */
  private static final String KEY_MAX = "\uDBFF\uDFFF".repeat(STRING_BYTES / 4);
  /** Result of {@link #add} when the entries are in. */
  static final String OK = RowKeeper.OK;

  private final Pht pht;
  /** The rows, read by the unique check. */
  private final Storage storage;
  /** Removals of old entries that failed (the entry stays, stale, until the row is written again). */
  final AtomicLong staleLeft = new AtomicLong();

  IndexEntries(Pht pht, Storage storage) {
    this.pht = pht;
    this.storage = storage;
  }

  /**
   * The part of an entry's key that holds {@code value} (the column's Enumerable representation); empty for NULL. Every
   * index is a PHT string index, whatever the column's type, so that an entry's key can end with its row's part: many
   * rows with one value (a low-cardinality column) then spread over the trie instead of piling into one leaf, which
   * could neither split nor hold them. Order-preserving, not always one-to-one: {@code a < b} gives {@code key(a) <=
   * key(b)} (DECIMAL goes through double, strings are cut to {@link #KEY_UNITS}), which is why ranges are read
   * inclusive and rows re-checked. Fixed width per column type, so the row's part never reorders values.
   */
  static Optional<Key> key(Column column, Object value) {
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(Key.of(switch (column.type()) {
      case INTEGER, DATE -> bytes(((Number) value).longValue() ^ Long.MIN_VALUE, 8);
      case BIGINT, TIMESTAMP -> bytes((Long) value ^ Long.MIN_VALUE, 8);
      case BOOLEAN -> bytes((Boolean) value ? 1 : 0, 1);
      case DOUBLE, REAL -> bytes(sortable(((Number) value).doubleValue()) ^ Long.MIN_VALUE, 8);
      case DECIMAL -> bytes(sortable(((BigDecimal) value).doubleValue()) ^ Long.MIN_VALUE, 8);
      case VARCHAR -> units((String) value);
    }));
  }

  /** The low {@code n} bytes of {@code v}, most significant first, each as the character U+0002 + byte (no NUL). */
  private static String bytes(long v, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = n - 1; i >= 0; i--) {
      b.append((char) (2 + ((v >>> (8 * i)) & 0xff)));
    }
    return b.toString();
  }

  /** A long whose signed order is the double's numeric order (-0.0 and 0.0 alike). */
  private static long sortable(double d) {
    long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /**
   * A string's first {@link #KEY_UNITS} UTF-16 code units, each moved to a code point of its own so that the PHT's
   * order (UTF-8 bytes, i.e. code points) is the code-unit order SQL compares strings by here ({@code
   * String.compareTo}): up to U+D7FD up by two, the rest past the surrogates; then U+0001 up to the width, below every
   * unit, so "ab" stays before "abc" whatever follows. A fixed count of units keeps the order (a cut by bytes would
   * not: "...b" fits where "...€" is cut shorter).
   */
  private static String units(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < KEY_UNITS; i++) {
      if (i < s.length()) {
        char u = s.charAt(i);
        b.appendCodePoint(u <= 0xD7FD ? u + 2 : u + 2 + 0x800);
      } else {
        b.append('\u0001');
      }
    }
    return b.toString();
  }

  /** The key of the entry of row {@code rowKey} whose value's key is {@code value}. */
  private static Key entryKey(Key value, String rowKey) {
    int h = rowKey.hashCode() * 0x9E3779B9;
    return Key.of(((Key.StringKey) value).value() + bytes(h, ID_CHARS));
  }

  /** Every entry of values with key {@code value}, whatever their rows. */
  private static Key lastOf(Key value) {
    return Key.of(((Key.StringKey) value).value() + ID_MAX);
  }

  /** Creates the PHT index that holds {@code index}'s entries, unless it exists. */
  CompletableFuture<Void> create(TableDefinition table, IndexDefinition index) {
    return pht.create(index.phtIndex(), KeyType.STRING, 16, STRING_BYTES).thenApply(info -> null);
  }

  private static Column firstColumn(TableDefinition table, IndexDefinition index) {
    return table.column(index.columns().get(0)).orElseThrow(
        () -> new IllegalStateException("index " + index.name() + " names a column table " + table.name()
            + " lacks"));
  }

  private static int position(TableDefinition table, String column) {
    return table.columns().indexOf(table.column(column).orElseThrow());
  }

  /**
   * Before row {@code rowKey} changes from {@code before} (null: new) to {@code after}: adds the entries {@code after}
   * needs that {@code before} did not have. A unique index that holds another row with the same values refuses.
   *
   * @return {@link #OK}, or the reason the write must not happen (a duplicate value of a unique index)
   */
  CompletableFuture<String> add(TableDefinition table, List<IndexDefinition> indexes, String rowKey, Object[] before,
      Object[] after) {
    CompletableFuture<String> chain = CompletableFuture.completedFuture(OK);
    for (IndexDefinition index : indexes) {
      Column column = firstColumn(table, index);
      int c = position(table, column.name());
      Optional<Key> key = key(column, after[c]);
      if (key.isEmpty() || (before != null && key.equals(key(column, before[c]))
          && sameValues(table, index, before, after))) {
        continue;
      }
      chain = chain.thenCompose(result -> !OK.equals(result) ? CompletableFuture.completedFuture(result)
          : unique(table, index, key.get(), rowKey, after).thenCompose(dup -> dup.isPresent()
              ? CompletableFuture.completedFuture(dup.get())
              : pht.insert(index.phtIndex(), entryKey(key.get(), rowKey), F.textNode(rowKey)).thenApply(added -> OK)));
    }
    return chain;
  }

  /**
   * After the row's write: removes the entries {@code before} had that {@code after} (null: deleted) does not. Never
   * fails: an entry that could not be removed stays, stale, and is counted.
   */
  CompletableFuture<Void> removeOld(TableDefinition table, List<IndexDefinition> indexes, String rowKey,
      Object[] before, Object[] after) {
    if (before == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> removals = new ArrayList<>();
    for (IndexDefinition index : indexes) {
      Column column = firstColumn(table, index);
      int c = position(table, column.name());
      Optional<Key> old = key(column, before[c]);
      if (old.isEmpty() || (after != null && old.equals(key(column, after[c])))) {
        continue;
      }
      removals.add(pht.remove(index.phtIndex(), entryKey(old.get(), rowKey), F.textNode(rowKey)).exceptionally(e -> {
        staleLeft.incrementAndGet();
        LOG.debug("index {}: entry of row {} left stale: {}", index.name(), rowKey, e.toString());
        return false;
      }));
    }
    return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
  }

  private static boolean sameValues(TableDefinition table, IndexDefinition index, Object[] a, Object[] b) {
    for (String col : index.columns()) {
      int c = position(table, col);
      if (!Objects.equals(a[c], b[c])) {
        return false;
      }
    }
    return true;
  }

  /**
   * For a unique index: the refusal when another row holds the same values in all its columns (SQL: rows with a NULL
   * in an indexed column never clash). Best effort across keepers: two rows with one value written at the same moment
   * through different keepers can both pass, as two inserts of one primary key can during churn.
   */
  private CompletableFuture<Optional<String>> unique(TableDefinition table, IndexDefinition index, Key key,
      String rowKey, Object[] row) {
    if (!index.unique() || index.columns().stream().anyMatch(col -> row[position(table, col)] == null)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return pht.query(Query.range(index.phtIndex(), key, lastOf(key)).limit(Query.MAX_LIMIT)).thenCompose(found -> {
      List<CompletableFuture<Boolean>> clashes = new ArrayList<>();
      for (Entry e : found.entries()) {
        JsonNode v = e.value();
        if (v.isTextual() && !v.textValue().equals(rowKey)) {
          clashes.add(clash(table, index, v.textValue(), row));
        }
      }
      return CompletableFuture.allOf(clashes.toArray(CompletableFuture[]::new)).thenApply(x ->
          clashes.stream().anyMatch(CompletableFuture::join)
              ? Optional.of("duplicate value for unique index " + index.name())
              : Optional.<String>empty());
    });
  }

  /** Whether the row {@code otherKey} (if it still exists) has {@code row}'s values in every column of the index. */
  private CompletableFuture<Boolean> clash(TableDefinition table, IndexDefinition index, String otherKey,
      Object[] row) {
    return storage.get(table.rowNamespace(), otherKey).thenApply(o -> o.isPresent()
        && sameValues(table, index, RowCodec.fromJson(table, o.get().value()), row));
  }

  /**
   * The keys of the rows whose entries lie in {@code range}, read inclusive (strictness is the filter's business), in
   * index order without repeats.
   *
   * @throws QueryException TOO_LARGE when there are more than the statement's row cap
   */
  List<String> rowKeys(TableDefinition table, ScanSpec.Access.IndexRange range, QueryContext context) {
    Column column = firstColumn(table, range.index());
    Key lo = Optional.ofNullable(range.lower()).flatMap(v -> key(column, v)).orElse(Key.of(""));
    Key hi = Optional.ofNullable(range.upper()).flatMap(v -> key(column, v)).map(IndexEntries::lastOf)
        .orElse(Key.of(KEY_MAX));
    Set<String> keys = new LinkedHashSet<>();
    Optional<Query> next = Optional.of(Query.range(range.index().phtIndex(), lo, hi)
        .limit((int) Math.min(Query.MAX_LIMIT, context.maxRows() + 1L)));
    while (next.isPresent()) {
      Results page = Blocking.await(pht.query(next.get()), context, "reading index " + range.index().name());
      for (Entry e : page.entries()) {
        if (e.value().isTextual()) {
          keys.add(e.value().textValue());
        }
      }
      if (keys.size() > context.maxRows()) {
        throw new QueryException(Reason.TOO_LARGE, "the range of index " + range.index().name() + " names more than "
            + context.maxRows() + " rows (weft.query.max-rows)");
      }
      next = page.next();
    }
    return new ArrayList<>(keys);
  }
}
