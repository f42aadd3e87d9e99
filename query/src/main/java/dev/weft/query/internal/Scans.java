package dev.weft.query.internal;

import dev.weft.query.Coverage;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.ScanSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Distributed scans started without a statement, for a caller that must not block: a simulation that runs every node
 * on one virtual-time scheduler. Offered as {@code node.service(Scans.class)} by nodes whose plugin came from {@link
 * QueryProvider#onScheduler()}; not API.
 */
public interface Scans {
  /**
   * A finished scan: its output rows (partial aggregates, one row per group per node, with an aggregate), its coverage,
   * and when incomplete, who is missing and why (as an INCOMPLETE statement's message says).
   */
  record Result(List<Object[]> rows, Coverage coverage, String shortfall) {}

  /**
   * Runs a full scan over the network as a statement's would (the second attempt included), without waiting on any
   * thread. Completes with what arrived within {@code timeout} (then incomplete), or fails as the statement would.
   */
  CompletableFuture<Result> scan(ScanSpec spec, Duration timeout);

  /**
   * Runs a join that rehashes both sides across the nodes (docs/query.md, "Joins that rehash") as a statement's would,
   * without waiting on any thread; completes with what arrived within {@code timeout}, or fails as the statement would.
   */
  CompletableFuture<Result> join(JoinSpec join, Duration timeout);
}
