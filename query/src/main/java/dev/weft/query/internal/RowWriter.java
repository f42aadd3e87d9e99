package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.QueryException;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.WriteReport;
import dev.weft.query.internal.RowKeeper.Kind;
import dev.weft.query.internal.RowKeeper.Op;
import dev.weft.query.row.RowCodec;
import dev.weft.query.row.RowKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The asking node's side of a write (docs/query.md, "What a write means"): turns each row of a statement into keeper
 * ops, sends each to its row's keeper (the live node closest to the row's id, found by a lookup), a window of them at
 * a time, and reports every row's outcome. A changed primary key is an insert of the new key then, once it succeeded,
 * a delete of the old one. Rows of a table without a key are found by value for UPDATE and DELETE: a scan returns the
 * keys of the rows equal to the ones the statement read (equal rows match any condition alike, so which of them goes
 * does not matter).
 *
 * <p>Blocks a statement's thread; thread-safe.
 */
final class RowWriter {
  /** Time kept back from the statement's deadline to report rows whose outcome is unknown, rather than time out. */
  private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
  /** Times a write goes to a keeper that does not answer before its row counts as "may or may not be written". */
  static final int DELIVERIES = 3;

  private final Dht dht;
  private final RowKeeper local;
  private final ScanOrigin scans;
  private final int window;
  private final long maxValueBytes;
  private final SecureRandom random = new SecureRandom();
  /** Writes sent to keepers whose results have not come back, by write id. */
  private final Map<String, CompletableFuture<String>> pending = new java.util.concurrent.ConcurrentHashMap<>();

  RowWriter(Dht dht, RowKeeper local, ScanOrigin scans, int window, long maxValueBytes) {
    this.dht = dht;
    this.local = local;
    this.scans = scans;
    this.window = window;
    this.maxValueBytes = maxValueBytes;
  }

  WriteReport write(TableDefinition table, List<RowOp> ops, QueryContext context) {
    String ns = table.rowNamespace();
    String[] results = new String[ops.size()];
    List<List<Op>> steps = new ArrayList<>(ops.size());
    Map<String, Deque<String>> keylessKeys = needsKeys(table, ops) ? keysByValue(table, context) : Map.of();
    for (int i = 0; i < ops.size(); i++) {
      try {
        steps.add(steps(table, ops.get(i), keylessKeys));
      } catch (IllegalArgumentException e) {
        results[i] = e.getMessage();
        steps.add(List.of());
      }
    }
    Semaphore inFlight = new Semaphore(window);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (results[i] != null) {
        continue;
      }
      if (steps.get(i).isEmpty()) {
        results[i] = RowKeeper.ABSENT;  // a keyless row the scan no longer found: deleted meanwhile
        continue;
      }
      acquire(inFlight, context);
      int op = i;
      long wait = Math.max(1, context.nanosLeft() - MARGIN_NANOS);
      all.add(run(ns, steps.get(i), 0).orTimeout(wait, TimeUnit.NANOSECONDS).handle((r, e) -> {
        results[op] = e == null ? r : Blocking.unwrap(e) instanceof java.util.concurrent.TimeoutException
            ? "error: its keeper did not report in time; the row may or may not be written"
            : "error: " + Blocking.failure(e, "writing the row").getMessage();
        inFlight.release();
        return null;
      }));
    }
    Blocking.await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), context, "writing rows");
    long applied = 0;
    List<WriteReport.Failure> failures = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (RowKeeper.OK.equals(results[i])) {
        applied++;
      } else if (!RowKeeper.ABSENT.equals(results[i])) {
        failures.add(new WriteReport.Failure(i, keyOf(table, ops.get(i)), results[i]));
      }
    }
    return new WriteReport(applied, failures);
  }

  private static void acquire(Semaphore window, QueryContext context) {
    try {
      while (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
        context.check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryException(QueryException.Reason.CANCELLED, "interrupted while writing rows", e);
    }
  }

  /** Runs a row's ops in order, the next only when the one before was applied. */
  private CompletableFuture<String> run(String ns, List<Op> steps, int from) {
    return send(ns, steps.get(from)).thenCompose(r -> RowKeeper.OK.equals(r) && from + 1 < steps.size()
        ? run(ns, steps, from + 1) : CompletableFuture.completedFuture(r));
  }

  private CompletableFuture<String> send(String ns, Op op) {
    NodeId id = dht.keyId(ns, op.key());
    return dht.lookup(id, 1).thenCompose(closest -> {
      Optional<Contact> keeper = closest.stream().findFirst();
      if (keeper.isEmpty() || keeper.get().id().equals(dht.self().id())) {
        return local.apply(ns, op);
      }
      String w = newId();
      CompletableFuture<String> result = new CompletableFuture<>();
      pending.put(w, result);
      result.whenComplete((r, e) -> pending.remove(w));
      deliver(keeper.get(), RowKeeper.request(w, dht.self(), ns, List.of(op)), result, 0);
      return result;
    });
  }

  /**
   * Sends a write to its keeper; when the keeper did not answer (its node stalled, or the answers were lost), sends the
   * same message again, up to {@link #DELIVERIES} times in all: the keeper applies one write id once, so a message that
   * did arrive is only accepted again.
   */
  private void deliver(Contact keeper, JsonNode message, CompletableFuture<String> result, int attempt) {
    dht.request(keeper, Wire.CHANNEL, message).whenComplete((a, e) -> {
      if (e != null && attempt + 1 < DELIVERIES && !result.isDone()
          && Blocking.unwrap(e) instanceof java.util.concurrent.TimeoutException) {
        deliver(keeper, message, result, attempt + 1);
      } else if (e != null) {
        result.completeExceptionally(e);
      } else if (!a.path("accepted").asBoolean(false)) {
        result.completeExceptionally(new IllegalStateException("the keeper did not take the write"));
      }
    });
  }

  /**
   * The results of a write message sent to a keeper, {@code {"t":"written","w","results":[…]}}. A result that comes
   * for no pending write (it came late, after the statement gave up) is dropped.
   */
  CompletableFuture<JsonNode> onWritten(JsonNode body) {
    String w = Wire.hexId(body, "w");
    JsonNode r = body.path("results").path(0);
    if (!r.isTextual()) {
      throw new IllegalArgumentException("written: results must hold one string per op");
    }
    CompletableFuture<String> f = pending.get(w);
    if (f != null) {
      f.complete(r.textValue());
    }
    return CompletableFuture.completedFuture(Wire.taken(true));
  }

  private String newId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private List<Op> steps(TableDefinition t, RowOp op, Map<String, Deque<String>> keyless) {
    boolean keyed = !t.primaryKey().isEmpty();
    if (op instanceof RowOp.Insert ins) {
      JsonNode row = encode(t, ins.row());
      return List.of(keyed ? new Op(Kind.INSERT, RowKeys.key(t, ins.row()), row)
          : new Op(Kind.UPSERT, RowKeys.rowId(random), row));
    }
    if (op instanceof RowOp.Upsert up) {
      JsonNode row = encode(t, up.row());
      return List.of(new Op(Kind.UPSERT, keyed ? RowKeys.key(t, up.row()) : RowKeys.rowId(random), row));
    }
    if (op instanceof RowOp.Delete del) {
      Optional<String> key = keyed ? Optional.of(RowKeys.key(t, del.row())) : take(t, del.row(), keyless);
      return key.map(k -> List.of(new Op(Kind.DELETE, k, null))).orElse(List.of());
    }
    RowOp.Update upd = (RowOp.Update) op;
    JsonNode after = encode(t, upd.after());
    if (!keyed) {
      return take(t, upd.before(), keyless).map(k -> List.of(new Op(Kind.UPSERT, k, after))).orElse(List.of());
    }
    String before = RowKeys.key(t, upd.before());
    String now = RowKeys.key(t, upd.after());
    return before.equals(now) ? List.of(new Op(Kind.UPSERT, now, after))
        : List.of(new Op(Kind.INSERT, now, after), new Op(Kind.DELETE, before, null));
  }

  private JsonNode encode(TableDefinition t, Object[] row) {
    JsonNode json = RowCodec.toJson(t, RowCodec.check(t, row));
    int size = json.toString().getBytes(StandardCharsets.UTF_8).length;
    if (size > maxValueBytes) {
      throw new IllegalArgumentException("row too large (" + size + " bytes; the limit is " + maxValueBytes + ")");
    }
    return json;
  }

  private static boolean needsKeys(TableDefinition t, List<RowOp> ops) {
    return t.primaryKey().isEmpty()
        && ops.stream().anyMatch(o -> o instanceof RowOp.Delete || o instanceof RowOp.Update);
  }

  /** Keys of the rows of a keyless table by their values (as stored JSON text). */
  private Map<String, Deque<String>> keysByValue(TableDefinition t, QueryContext context) {
    ScanSpec all = new ScanSpec(t, new ScanSpec.Access.Full(), Optional.empty(),
        IntStream.range(0, t.columns().size()).boxed().toList(), Optional.empty());
    Map<String, Deque<String>> out = new HashMap<>();
    ScanOrigin.Result found = scans.scan(all, context);
    context.record(found.coverage());
    for (ScanCollector.KeyedRow r : found.keyedRows()) {
      out.computeIfAbsent(RowCodec.toJson(t, r.values()).toString(), x -> new ArrayDeque<>()).add(r.key());
    }
    return out;
  }

  private static Optional<String> take(TableDefinition t, Object[] row, Map<String, Deque<String>> keyless) {
    Deque<String> keys = keyless.get(RowCodec.toJson(t, row).toString());
    return keys == null || keys.isEmpty() ? Optional.empty() : Optional.of(keys.poll());
  }

  private static String keyOf(TableDefinition t, RowOp op) {
    if (t.primaryKey().isEmpty()) {
      return "";
    }
    Object[] row = op instanceof RowOp.Insert i ? i.row() : op instanceof RowOp.Upsert u ? u.row()
        : op instanceof RowOp.Delete d ? d.row() : ((RowOp.Update) op).after();
    try {
      return RowKeys.key(t, row);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
