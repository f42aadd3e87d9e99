package dev.weft.query.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a scan's output rows into pages and sends them one at a time, each once the receiver (the asking node, or the
 * parent in a merging scan) answered the last; a page whose request went unanswered is sent again while the scan has
 * time. Used by one task at a time (a node's part of one scan, or its merged answer).
 */
final class PageSender {
  private static final Logger LOG = LoggerFactory.getLogger(PageSender.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** What the senders of one node share. */
  record Outbox(NodeId self, ScanServer.Pages pages, Scheduler scheduler, Executor workers, Counters counters,
      int pageBytes) {}

  private final Outbox box;
  private final Wire.Scan scan;
  private final Contact to;
  private final boolean part;
  private final long deadline;
  /** Full pages: rows, then contested rows. */
  private final Deque<ArrayNode[]> full = new ArrayDeque<>();
  private ArrayNode rows = F.arrayNode();
  private ArrayNode contested = F.arrayNode();
  private int bytes;
  private int seq;

  PageSender(Outbox box, Wire.Scan scan, Contact to, boolean part, long deadline) {
    this.box = box;
    this.scan = scan;
    this.to = to;
    this.part = part;
    this.deadline = deadline;
  }

  void add(ArrayNode row) {
    rows.add(row);
    added(row);
  }

  void addContested(ArrayNode row) {
    contested.add(row);
    added(row);
  }

  private void added(ArrayNode row) {
    bytes += row.toString().length() + 1;
    box.counters().rowsSent.incrementAndGet();
    if (bytes >= box.pageBytes()) {
      full.add(new ArrayNode[] {rows, contested});
      rows = F.arrayNode();
      contested = F.arrayNode();
      bytes = 0;
    }
  }

  /** Whether a full page waits to be sent. */
  boolean ready() {
    return !full.isEmpty();
  }

  /** Sends the full pages in order; completes with whether the asking node wants more. */
  CompletableFuture<Boolean> flush() {
    if (full.isEmpty()) {
      return CompletableFuture.completedFuture(true);
    }
    ArrayNode[] page = full.poll();
    return send(new Wire.Rows(scan.query(), box.self(), seq++, page[0], page[1], null))
        .thenComposeAsync(more -> more ? flush() : CompletableFuture.completedFuture(false), box.workers());
  }

  /** Sends every row added, the page not yet full too, in order; completes as {@link #flush}. */
  CompletableFuture<Boolean> flushAll() {
    if (!rows.isEmpty() || !contested.isEmpty()) {
      full.add(new ArrayNode[] {rows, contested});
      rows = F.arrayNode();
      contested = F.arrayNode();
      bytes = 0;
    }
    return flush();
  }

  void last(Wire.End end) {
    boolean ok = end.error().isEmpty();
    send(new Wire.Rows(scan.query(), box.self(), seq++, ok ? rows : F.arrayNode(), ok ? contested
        : F.arrayNode(), end));
  }

  /** Completes with the asking node's answer; false when it did not take the page within the scan's time. */
  private CompletableFuture<Boolean> send(Wire.Rows page) {
    CompletableFuture<Boolean> out = new CompletableFuture<>();
    Scheduler.Cancellable timer = box.scheduler().schedule(() -> {
      if (out.complete(false)) {
        LOG.debug("scan {}: the asking node did not take a page in time", scan.query());
      }
    }, scan.timeoutMs(), TimeUnit.MILLISECONDS);
    deliver(page, out, timer);
    return out;
  }

  /**
   * Sends {@code page} until the asking node answers, or sends it again when the request went unanswered (after the
   * channel's own retransmissions) while the scan has time left: one lost page would otherwise leave the whole scan
   * incomplete. The asking node takes each page once, so a copy of a page that did arrive changes nothing.
   */
  private void deliver(Wire.Rows page, CompletableFuture<Boolean> out, Scheduler.Cancellable timer) {
    CompletableFuture<Boolean> sent;
    try {
      sent = box.pages().send(to, page, part);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((more, e) -> {
      if (e != null && !out.isDone() && box.scheduler().nanoTime() - deadline < 0
          && Blocking.unwrap(e) instanceof java.util.concurrent.TimeoutException) {
        LOG.debug("scan {}: page {} unanswered, sending it again", scan.query(), page.seq());
        deliver(page, out, timer);
        return;
      }
      timer.cancel();
      if (e != null) {
        LOG.debug("scan {}: the asking node did not take a page", scan.query(), e);
      }
      out.complete(e == null && Boolean.TRUE.equals(more));
    });
  }
}
