package dev.weft.query.internal;

import dev.weft.query.QueryStats;
import java.util.concurrent.atomic.AtomicLong;

/** The query plugin's counters on one node; thread-safe. */
final class Counters {
  final AtomicLong statements = new AtomicLong();
  final AtomicLong failedStatements = new AtomicLong();
  final AtomicLong scansStarted = new AtomicLong();
  final AtomicLong scansRepeated = new AtomicLong();
  final AtomicLong scansServed = new AtomicLong();
  final AtomicLong scansRefused = new AtomicLong();
  final AtomicLong rowsScanned = new AtomicLong();
  final AtomicLong rowsSent = new AtomicLong();
  final AtomicLong rowsDeferred = new AtomicLong();
  final AtomicLong rowsContested = new AtomicLong();
  final AtomicLong malformedRows = new AtomicLong();
  final AtomicLong duplicatesDropped = new AtomicLong();
  final AtomicLong pagesRepeated = new AtomicLong();
  final AtomicLong rowWrites = new AtomicLong();
  final AtomicLong rowWritesFailed = new AtomicLong();
  final AtomicLong objectsReclaimed = new AtomicLong();
  final AtomicLong watchNotices = new AtomicLong();
  final AtomicLong watchesRefused = new AtomicLong();
  final AtomicLong watchRuns = new AtomicLong();
  final AtomicLong rowsRehashed = new AtomicLong();
  final AtomicLong rowsRehashRefused = new AtomicLong();

  QueryStats snapshot() {
    return new QueryStats(statements.get(), failedStatements.get(), scansStarted.get(), scansRepeated.get(),
        scansServed.get(), scansRefused.get(), rowsScanned.get(), rowsSent.get(), rowsDeferred.get(),
        rowsContested.get(), malformedRows.get(), duplicatesDropped.get(), pagesRepeated.get(), rowWrites.get(),
        rowWritesFailed.get(), objectsReclaimed.get(), watchNotices.get(), watchesRefused.get(), watchRuns.get(),
        rowsRehashed.get(), rowsRehashRefused.get());
  }
}
