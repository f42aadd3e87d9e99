package net.hydromatic.sqllogictest.executors;

import dev.weft.query.data.Tables;
import dev.weft.query.jdbc.WeftDriver;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SqlTestQuery;
import net.hydromatic.sqllogictest.TestStatistics;

/**
 * sqllogictest's JDBC executor over {@code jdbc:weft:}: each test file gets fresh tables from {@code tables}, and only
 * every {@code sample}-th query runs (the others count as ignored; statements all run). In the runner's package
 * because its query step is package-private.
 */
public final class WeftSltExecutor extends JdbcExecutor {
  private final Supplier<Tables> tables;
  private final int sample;
  private Tables current;
  private long seen;
  private long queries;
  private long nanos;

  public WeftSltExecutor(OptionsParser.SuppliedOptions options, Supplier<Tables> tables, int sample) {
    super(options, WeftDriver.PREFIX, "", "");
    this.tables = tables;
    this.sample = sample;
  }

  @Override
  public void establishConnection() throws SQLException {
    current = tables.get();
    connection = WeftDriver.connect(current, new Properties());
  }

  @Override
  public void dropAllTables() throws SQLException {
    List<String> names = List.copyOf(current.catalog().tables().keySet());
    try (Statement s = connection.createStatement()) {
      for (String name : names) {
        s.executeUpdate("DROP TABLE \"" + name + "\"");
      }
    }
  }

  @Override
  public void dropAllViews() {
    // weft has no views
  }

  @Override
  boolean query(SqlTestQuery query, TestStatistics statistics) throws SQLException, NoSuchAlgorithmException {
    if (seen++ % sample != 0) {
      statistics.incIgnored();
      return false;
    }
    long t0 = System.nanoTime();
    try {
      return super.query(query, statistics);
    } finally {
      nanos += System.nanoTime() - t0;
      queries++;
    }
  }

  /** Mean milliseconds per query run. */
  public double millisPerQuery() {
    return queries == 0 ? 0 : nanos / 1e6 / queries;
  }
}
