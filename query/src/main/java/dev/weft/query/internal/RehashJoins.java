package dev.weft.query.internal;

import dev.weft.api.spi.Scheduler;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking node's side of a join that rehashes both sides (docs/query.md, "Joins that rehash"): two walks of the
 * tree at once, each sending one side's rows to the nodes closest to the hash of their join keys (salted per run, so
 * that one hot value does not land on the same node in every join) and counting them, then a probe walk in which each
 * node joins what it holds, sends the pairs here and counts them. The counts merge up the tree as partial aggregates,
 * so this node hears from its own children in each walk, not from every node. The answer is complete when every walk
 * was, every row sent was found by the probe (a row lost on its way, or left at a node the probe did not reach, makes
 * the counts differ), and every pair counted arrived. An incomplete run is run again, with a new salt, while at least
 * half the statement's time is left.
 *
 * <p>Thread-safe; nothing here blocks.
 */
final class RehashJoins {
  private static final Logger LOG = LoggerFactory.getLogger(RehashJoins.class);
  /** Share of a run's time the rehashing walks may take; the probe has the rest. */
  private static final double REHASH_SHARE = 0.6;
  /** A probe's account per node: pairs sent, left rows held, right rows held; summed up the tree. */
  static final ScanSpec PROBE = probeSpec();

  private final ScanOrigin origin;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();

  RehashJoins(ScanOrigin origin, Scheduler scheduler) {
    this.origin = origin;
    this.scheduler = scheduler;
  }

  /**
   * A rehashing walk of one side: its rows whose join key holds no NULL (which matches nothing), sent on by each node,
   * and counted as its partial aggregate.
   */
  static ScanSpec rehashWalk(ScanSpec side, List<Integer> keys) {
    Expr filter = side.filter().orElse(null);
    for (int k : keys) {
      int column = side.columns().get(k);
      Expr known = new Expr.Call(Expr.Op.IS_NOT_NULL, List.of(new Expr.Column(column,
          side.table().columns().get(column).type())));
      filter = filter == null ? known : new Expr.Call(Expr.Op.AND, List.of(filter, known));
    }
    return new ScanSpec(side.table(), new ScanSpec.Access.Full(), Optional.of(filter), side.columns(),
        Optional.of(new ScanSpec.Aggregate(List.of(), List.of(new ScanSpec.Call(ScanSpec.Call.Kind.COUNT_STAR, -1)))));
  }

  private static ScanSpec probeSpec() {
    List<Column> columns = List.of(new Column("pairs", ColumnType.BIGINT, false, 0, 0),
        new Column("lefts", ColumnType.BIGINT, false, 0, 0), new Column("rights", ColumnType.BIGINT, false, 0, 0));
    TableDefinition account = new TableDefinition("probe", columns, List.of(), "0".repeat(32));
    return new ScanSpec(account, new ScanSpec.Access.Full(), Optional.empty(), List.of(), Optional.of(
        new ScanSpec.Aggregate(List.of(), List.of(new ScanSpec.Call(ScanSpec.Call.Kind.SUM, 0),
            new ScanSpec.Call(ScanSpec.Call.Kind.SUM, 1), new ScanSpec.Call(ScanSpec.Call.Kind.SUM, 2)))));
  }

  /**
   * Runs {@code join} within {@code nanosLeft}; completes with its rows, the coverage of its walks (complete only as
   * above) and, when incomplete, what is missing; fails as a statement would (a node's error, too many rows).
   */
  CompletableFuture<Scans.Result> run(JoinSpec join, long nanosLeft, long maxRows, long maxBytes) {
    long deadline = scheduler.nanoTime() + nanosLeft;
    return run(join, deadline, nanosLeft / 2, maxRows, maxBytes);
  }

  private CompletableFuture<Scans.Result> run(JoinSpec join, long deadline, long againIfLeft, long maxRows,
      long maxBytes) {
    long start = scheduler.nanoTime();
    long rehashBy = start + (long) ((deadline - start) * REHASH_SHARE);
    String salt = id();
    CompletableFuture<ScanOrigin.Walked> left = origin.walkAsync(walk(join.left(), join.leftKeys(), salt), rehashBy);
    CompletableFuture<ScanOrigin.Walked> right = origin.walkAsync(walk(join.right(), join.rightKeys(), salt),
        rehashBy);
    return left.thenCombine(right, (l, r) -> new ScanOrigin.Walked[] {l, r}).thenCompose(sides -> {
      ScanCollector pairs = origin.collect(id(), join.output(), maxRows, maxBytes);
      ScanOrigin.Walk probe = new ScanOrigin.Walk(PROBE, PROBE.toJson(), new Wire.JoinStep.Probe(sides[0].query(),
          sides[1].query(), pairs.query()), Long.MAX_VALUE, Long.MAX_VALUE);
      CompletableFuture<ScanOrigin.Walked> probed = origin.walkAsync(probe, deadline);
      // Too many pairs fails the join at once, not when the walk ends.
      return CompletableFuture.anyOf(probed, pairs.done()).thenCompose(x -> {
        QueryException failed = pairs.failure();
        if (failed != null) {
          origin.release(pairs);
          return CompletableFuture.failedFuture(failed);
        }
        return probed.thenApply(p -> result(sides[0], sides[1], p, pairs.rowsReceived(), pairs.rows()))
            .whenComplete((v, e) ->
            origin.release(pairs));
      });
    }).thenCompose(result -> {
      if (result.coverage().complete() || deadline - scheduler.nanoTime() < againIfLeft) {
        return CompletableFuture.completedFuture(result);
      }
      LOG.debug("a join that rehashes runs again: {}", result.shortfall());
      return run(join, deadline, againIfLeft, maxRows, maxBytes);
    });
  }

  private static ScanOrigin.Walk walk(ScanSpec side, List<Integer> keys, String salt) {
    ScanSpec spec = rehashWalk(side, keys);
    return new ScanOrigin.Walk(spec, spec.toJson(), new Wire.JoinStep.Rehash(salt, keys), Long.MAX_VALUE,
        Long.MAX_VALUE);
  }

  /**
   * The join's answer from its three walks and the pairs that came ({@code received} of them, {@code rows} kept once
   * each): complete when the counts add up.
   */
  static Scans.Result result(ScanOrigin.Walked l, ScanOrigin.Walked r, ScanOrigin.Walked p, long received,
      List<Object[]> rows) {
    Coverage walks = l.coverage().plus(r.coverage()).plus(p.coverage());
    long sentLeft = sum(l.rows(), 0);
    long sentRight = sum(r.rows(), 0);
    long counted = sum(p.rows(), 0);
    long heldLeft = sum(p.rows(), 1);
    long heldRight = sum(p.rows(), 2);
    boolean arrived = sentLeft == heldLeft && sentRight == heldRight && counted == received;
    StringBuilder shortfall = new StringBuilder();
    for (ScanOrigin.Walked w : new ScanOrigin.Walked[] {l, r, p}) {
      if (!w.coverage().complete()) {
        shortfall.append(shortfall.isEmpty() ? "" : "; ").append(w.shortfall());
      }
    }
    if (!arrived) {
      shortfall.append(shortfall.isEmpty() ? "" : "; ").append("of the rows sent to the nodes that join them, ")
          .append(heldLeft).append(" of ").append(sentLeft).append(" (left) and ").append(heldRight).append(" of ")
          .append(sentRight).append(" (right) were found there, and ").append(received).append(" of ").append(counted)
          .append(" pairs arrived");
    }
    Coverage coverage = new Coverage(walks.nodes(), walks.answered(), walks.complete() && arrived);
    return new Scans.Result(rows, coverage, shortfall.toString());
  }

  /** Column {@code i} of partial rows, added up (a NULL SUM, of no rows, as 0). */
  private static long sum(List<Object[]> partials, int i) {
    long n = 0;
    for (Object[] row : partials) {
      n += row[i] == null ? 0 : ((Number) row[i]).longValue();
    }
    return n;
  }

  private String id() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
