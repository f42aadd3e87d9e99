package dev.weft.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.api.WeftException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's Schema group: a small set of named JSON values ("globals") that every node of the network knows. Get it
 * with {@link #of(Node)} when {@code weft-schema} is on the classpath.
 *
 * <p>{@link #setGlobal} applies the value here at once and broadcasts it; {@link #getGlobal} answers from what this
 * node knows, without asking anyone. Writes are ordered by {@link dev.weft.api.Version} (hybrid logical clock, then
 * writer), and every node keeps the newest, so concurrent writers end on the same value everywhere. Nodes that missed a
 * broadcast (they joined later, were cut off, or restarted) catch up by comparing digests with their neighbours on join
 * and periodically. See {@code docs/schema.md}.
 *
 * <h2>Names and values</h2>
 * A name is 1–128 characters of {@code A–Z a–z 0–9 . _ : -}, starting with a letter, digit or {@code _}. A value is any
 * JSON value up to {@link SchemaSettings#MAX_VALUE_BYTES} (16 KiB by default) as UTF-8. {@code null} is a value; use
 * {@link #removeGlobal} to delete.
 *
 * <h2>Threads</h2>
 * Thread-safe; never blocks. Futures complete on the node's threads. Listeners run one at a time, in the order this
 * node learned the values, on a thread of the node's scheduler.
 *
 * <h2>Errors</h2>
 * Writes fail (the future completes exceptionally, nothing changes) with {@link IllegalArgumentException} for a bad
 * name, {@link dev.weft.api.ValueTooLargeException} for an oversize value, {@link dev.weft.api.RateLimitedException}
 * when this node writes faster than {@link SchemaSettings#MAX_WRITES_PER_SECOND}, {@link GlobalRefusedException} when
 * the node holds {@link SchemaSettings#MAX_GLOBALS} names already, and {@link WeftException} when the node is closed.
 */
public interface Schema {
  /**
   * The schema service of {@code node}.
   *
   * @throws WeftException when the schema plugin is not present or disabled
   */
  static Schema of(Node node) {
    return node.service(Schema.class).orElseThrow(() -> new WeftException(
        "this node has no schema plugin: add weft-schema to the classpath (and do not list it or messaging in"
            + " weft.plugins.disabled)"));
  }

  /** Whether {@code name} is a valid global name (see above); {@code false} for null. */
  static boolean isValidName(String name) {
    return name != null && name.matches("[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}");
  }

  /**
   * Sets {@code name} to {@code value} on every node: here at once (durably, on a persistent store), elsewhere by
   * broadcast, and by anti-entropy where the broadcast did not reach.
   *
   * @return the global as written, with its version, once it is applied and saved here and the broadcast handed on
   */
  CompletableFuture<Global> setGlobal(String name, JsonNode value);

  /**
   * Deletes {@code name} everywhere, by a newer version that says "removed" (a tombstone, kept for {@link
   * SchemaSettings#TOMBSTONE_TTL} so that it wins over stale copies).
   *
   * @return the tombstone as written
   */
  CompletableFuture<Global> removeGlobal(String name);

  /** The value of {@code name} as this node knows it, or empty when it does not know it (or it was removed). */
  Optional<JsonNode> getGlobal(String name);

  /** As {@link #getGlobal}, with its version and writer. */
  Optional<Global> global(String name);

  /**
   * The newest version of {@code name} this node holds, a removal included while its tombstone is kept: what a plugin
   * needs to tell "removed since" (and when) from "never heard of".
   */
  Optional<Global> latest(String name);

  /** Every global this node knows, by name (removed ones left out). */
  SortedMap<String, Global> globals();

  /**
   * Calls {@code listener} each time this node learns a new value of any global, or its removal: once per new version,
   * however many ways (broadcast, sync, own write) it arrived.
   *
   * @return closing it removes the listener
   */
  Registration addListener(GlobalListener listener);

  /** As {@link #addListener(GlobalListener)}, for one name only. */
  Registration addListener(String name, GlobalListener listener);

  /**
   * Compares this node's globals with a few neighbours now and exchanges what differs, as the periodic anti-entropy
   * does. Not needed in normal use.
   *
   * @return how many globals this node learned or taught
   */
  CompletableFuture<SyncResult> sync();

  /** A digest of every version this node holds: equal on two nodes when they know the same globals. */
  String digest();

  /** A snapshot of this node's schema counters. */
  Stats stats();

  /** A removable registration. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * What a {@link #sync()} did.
   *
   * @param peers neighbours compared with
   * @param learned globals (or removals) this node took from them
   * @param taught globals this node sent them
   */
  record SyncResult(int peers, int learned, int taught) {}

  /**
   * Schema counters of one node.
   *
   * @param globals globals this node knows
   * @param tombstones removals it remembers
   * @param written versions written by this node
   * @param fromBroadcast versions learned from broadcasts
   * @param fromSync versions learned by anti-entropy
   * @param rejected versions refused: malformed, stamped too far in the future, or over {@link
   *     SchemaSettings#MAX_GLOBALS}
   * @param rateLimited broadcasts dropped because their writer went over its rate (and local writes refused)
   * @param syncs anti-entropy exchanges this node started
   * @param notices digest notices this node sent (one per sync interval when it has contacts)
   */
  record Stats(int globals, int tombstones, long written, long fromBroadcast, long fromSync, long rejected,
      long rateLimited, long syncs, long notices) {}
}
