package dev.weft.query.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.spi.Scheduler;
import dev.weft.query.Coverage;
import dev.weft.query.data.JoinSpec;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking node's side of a join that rehashes both sides (docs/query.md, "Joins that rehash"): two walks of the
 * tree at once, each sending one side's rows to the nodes closest to the hash of their join keys (salted per run, so
 * that one hot value does not land on the same node in every join), then a probe walk in which each node joins what it
 * holds and sends the pairs here. The answer is complete when every walk was, and the rows each side's nodes sent add
 * up to the rows the probe found: a row lost on its way, or left at a node the probe did not reach, makes the counts
 * differ. An incomplete run is run again, with a new salt, while at least half the statement's time is left.
 *
 * <p>Thread-safe; nothing here blocks.
 */
final class RehashJoins {
  private static final Logger LOG = LoggerFactory.getLogger(RehashJoins.class);
  /** Share of a run's time the rehashing walks may take; the probe has the rest. */
  private static final double REHASH_SHARE = 0.6;

  private final ScanOrigin origin;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();

  RehashJoins(ScanOrigin origin, Scheduler scheduler) {
    this.origin = origin;
    this.scheduler = scheduler;
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
    CompletableFuture<ScanOrigin.Walked> left = origin.walkAsync(new ScanOrigin.Walk(join.left(), join.left()
        .toJson(), new Wire.JoinStep.Rehash(salt, join.leftKeys()), Long.MAX_VALUE, Long.MAX_VALUE), rehashBy);
    CompletableFuture<ScanOrigin.Walked> right = origin.walkAsync(new ScanOrigin.Walk(join.right(), join.right()
        .toJson(), new Wire.JoinStep.Rehash(salt, join.rightKeys()), Long.MAX_VALUE, Long.MAX_VALUE), rehashBy);
    return left.thenCombine(right, (l, r) -> new ScanOrigin.Walked[] {l, r}).thenCompose(sides -> {
      ScanOrigin.Walked l = sides[0];
      ScanOrigin.Walked r = sides[1];
      ScanOrigin.Walk probe = new ScanOrigin.Walk(join.output(), JsonNodeFactory.instance.objectNode(),
          new Wire.JoinStep.Probe(l.query(), r.query()), maxRows, maxBytes);
      return origin.walkAsync(probe, deadline).thenApply(p -> result(l, r, p));
    }).thenCompose(result -> {
      if (result.coverage().complete() || deadline - scheduler.nanoTime() < againIfLeft) {
        return CompletableFuture.completedFuture(result);
      }
      LOG.debug("a join that rehashes runs again: {}", result.shortfall());
      return run(join, deadline, againIfLeft, maxRows, maxBytes);
    });
  }

  /** The join's answer from its three walks: complete when each was, and every row sent reached the probe. */
  static Scans.Result result(ScanOrigin.Walked l, ScanOrigin.Walked r, ScanOrigin.Walked p) {
    Coverage walks = l.coverage().plus(r.coverage()).plus(p.coverage());
    long sentLeft = l.counts().rehashed();
    long sentRight = r.counts().rehashed();
    boolean arrived = sentLeft == p.counts().left() && sentRight == p.counts().right();
    StringBuilder shortfall = new StringBuilder();
    for (ScanOrigin.Walked w : new ScanOrigin.Walked[] {l, r, p}) {
      if (!w.coverage().complete()) {
        shortfall.append(shortfall.isEmpty() ? "" : "; ").append(w.shortfall());
      }
    }
    if (!arrived) {
      shortfall.append(shortfall.isEmpty() ? "" : "; ").append("of the rows sent to the nodes that join them, ")
          .append(p.counts().left()).append(" of ").append(sentLeft).append(" (left) and ").append(p.counts().right())
          .append(" of ").append(sentRight).append(" (right) were found there");
    }
    Coverage coverage = new Coverage(walks.nodes(), walks.answered(), walks.complete() && arrived);
    return new Scans.Result(p.rows(), coverage, shortfall.toString());
  }

  private String id() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
