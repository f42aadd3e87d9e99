package net.hydromatic.sqllogictest;

import java.util.List;

/** Reads the failures a run of sqllogictest recorded (package-private in the runner). */
public final class SltFailures {
  private SltFailures() {}

  public static List<TestStatistics.FailedTestDescription> of(TestStatistics statistics) {
    return List.copyOf(statistics.failures);
  }
}
