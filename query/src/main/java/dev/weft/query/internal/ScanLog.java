package dev.weft.query.internal;

import dev.weft.query.data.ScanSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The scans a statement ran, as their specs with the parameters bound: what a live query registers its watches with
 * (the tables it reads and the filters pushed to them). A statement's scans run on the thread that reads its rows,
 * so the log is that thread's while the statement runs.
 */
final class ScanLog {
  private static final ThreadLocal<List<ScanSpec>> CURRENT = new ThreadLocal<>();

  private ScanLog() {}

  /** Runs {@code statement} on this thread and adds the specs of the scans it ran to {@code into}. */
  static <T> T recording(List<ScanSpec> into, Supplier<T> statement) {
    List<ScanSpec> before = CURRENT.get();
    List<ScanSpec> mine = new ArrayList<>();
    CURRENT.set(mine);
    try {
      return statement.get();
    } finally {
      CURRENT.set(before);
      into.addAll(mine);
    }
  }

  /** A scan of the statement running on this thread (if it is being recorded). */
  static void seen(ScanSpec spec) {
    List<ScanSpec> log = CURRENT.get();
    if (log != null) {
      log.add(spec);
    }
  }
}
