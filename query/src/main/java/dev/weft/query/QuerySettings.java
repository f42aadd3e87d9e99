package dev.weft.query;

import dev.weft.api.Setting;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the query plugin (docs/query.md, "Cost limits"). */
public final class QuerySettings {
  private QuerySettings() {}

  /** How long a statement may run unless it says otherwise. */
  public static final Setting<Duration> TIMEOUT = Setting.duration("weft.query.timeout", "30s", Duration.ofMillis(10),
      Duration.ofHours(1), "how long a statement may run unless it asks for less or more");
  /** Most rows a scan may bring to the asking node; more fails the statement with too-large. */
  public static final Setting<Integer> MAX_ROWS = Setting.integer("weft.query.max-rows", 1_000_000, 1, 100_000_000,
      "most rows a scan may bring to the asking node");
  /** Most bytes of rows (as JSON) a scan may bring to the asking node. */
  public static final Setting<Long> MAX_BYTES = Setting.size("weft.query.max-bytes", "256MiB", 1024,
      16L * 1024 * 1024 * 1024, "most bytes of rows a scan may bring to the asking node");
  /** Bytes of rows a node sends the asking node in one message. */
  public static final Setting<Long> PAGE_BYTES = Setting.size("weft.query.page-bytes", "48KiB", 1024, 200 * 1024,
      "bytes of rows a node sends the asking node in one message");
  /** Scans one node serves per second for one asking node; more are refused and counted. */
  public static final Setting<Integer> SCANS_PER_ORIGIN = Setting.integer("weft.query.scans-per-origin", 200, 1,
      100_000, "scans a node serves per second for one asking node");
  /** Row writes one statement has in flight at once. */
  public static final Setting<Integer> WRITE_WINDOW = Setting.integer("weft.query.write-window", 32, 1, 10_000,
      "row writes one statement has in flight at once");
  /**
   * How long CREATE TABLE waits for the definition to reach every node before it re-reads it to see whether another
   * definition of the same name won.
   */
  public static final Setting<Duration> DDL_SETTLE = Setting.duration("weft.query.ddl-settle", "1s", Duration.ofMillis(1),
      Duration.ofMinutes(1), "how long CREATE TABLE waits before it checks that its definition won");
  /**
   * How often a node looks through its store for copies of dropped tables' rows and indexes' entries that came back
   * (republished by a node that was away when they were dropped) and removes them again.
   */
  public static final Setting<Duration> RECLAIM_INTERVAL = Setting.duration("weft.query.reclaim-interval", "30m",
      Duration.ofMillis(100), Duration.ofDays(1), "how often a node removes copies of dropped tables' rows that came"
          + " back");
  /**
   * JDBC connections that remote clients ({@code POST /v1/jdbc}) may hold open on this node at once; past it the least
   * recently used one is closed.
   */
  public static final Setting<Integer> JDBC_CONNECTIONS = Setting.integer("weft.query.jdbc-connections", 64, 1, 10_000,
      "JDBC connections remote clients may hold open on this node at once");

  /**
   * How long the nodes hold a live query's watch without hearing from its watcher (docs/query.md, "Live queries"): the
   * watcher renews it, and runs its query again, every third of it.
   */
  public static final Setting<Duration> WATCH_LEASE = Setting.duration("weft.query.watch-lease", "60s",
      Duration.ofSeconds(1), Duration.ofMinutes(10), "how long nodes hold a live query's watch unless renewed (every"
          + " third of it, when the watcher also runs the query again)");

  /**
   * Rows (as the planner estimates them from the sizes this node saw) that both sides of a join of two whole scans must
   * bring together before the join rehashes both sides to the nodes its keys hash to, instead of shipping both to the
   * asking node (docs/query.md, "Joins that rehash"). 0 rehashes every such join.
   */
  public static final Setting<Integer> REHASH_JOIN_ROWS = Setting.integer("weft.query.rehash-join-rows", 20_000, 0,
      Integer.MAX_VALUE, "rows both sides of a join must bring together before the join rehashes them across the nodes");
  /** Bytes of other nodes' join rows a node holds at once for joins that rehash; more are refused (too-large). */
  public static final Setting<Long> JOIN_BUFFER_BYTES = Setting.size("weft.query.join-buffer-bytes", "64MiB", 1024,
      16L * 1024 * 1024 * 1024, "bytes of rows a node holds at once for joins that rehash both sides");

  /** Every setting of the query plugin. */
  public static List<Setting<?>> all() {
    return Setting.declaredIn(QuerySettings.class);
  }
}
