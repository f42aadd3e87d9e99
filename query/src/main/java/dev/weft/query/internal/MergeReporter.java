package dev.weft.query.internal;

import dev.weft.api.Contact;
import dev.weft.api.spi.Scheduler;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's part of a scan whose answers merge up the tree (docs/query.md, "Aggregates merge up the tree"): sends this
 * node's merged answer to its parent once its own part and every child's are in, or when its time is up (then the
 * children that did not answer count as silent), and leaves the node's table of running merges. Thread-safe through
 * {@link MergedPart}; {@link #finish} reports once.
 */
final class MergeReporter {
  private final Wire.Scan scan;
  private final Contact parent;
  private final long deadline;
  final MergedPart part;
  private final PageSender.Outbox outbox;
  private final Map<String, MergeReporter> merging;
  private Scheduler.Cancellable timer;

  /**
   * @param merging the node's running merges by query id, which this one leaves when it reports
   */
  MergeReporter(Wire.Scan scan, Contact parent, long deadline, MergedPart part, PageSender.Outbox outbox,
      Map<String, MergeReporter> merging) {
    this.scan = scan;
    this.parent = parent;
    this.deadline = deadline;
    this.part = part;
    this.outbox = outbox;
    this.merging = merging;
  }

  void armTimer() {
    Scheduler scheduler = outbox.scheduler();
    timer = scheduler.schedule(() -> outbox.workers().execute(this::finish),
        Math.max(1, deadline - scheduler.nanoTime()), TimeUnit.NANOSECONDS);
  }

  void check() {
    if (part.complete()) {
      finish();
    }
  }

  private void finish() {
    MergedPart.Report r = part.report();
    if (r == null) {
      return;
    }
    merging.remove(scan.query(), this);
    if (timer != null) {
      timer.cancel();
    }
    boolean root = parent.id().equals(outbox.self());
    // The parent waits about an eighth of its time longer than this node (forward): the report may take that long.
    PageSender out = new PageSender(outbox, scan, parent, !root,
        deadline + TimeUnit.MILLISECONDS.toNanos(Math.max(1, scan.timeoutMs() / 7)));
    r.rows().forEach(out::add);
    r.contested().forEach(out::addContested);
    out.flush().thenAcceptAsync(more -> {
      if (more) {
        out.last(r.end());
      }
    }, outbox.workers());
  }
}
