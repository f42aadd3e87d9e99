package dev.weft.api.spi.store;
import dev.weft.api.Record;

import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The records one node holds, keyed by {@code (namespace, key)}, keeping the newest {@link dev.weft.api.Version} of
 * each. Opened by a {@link StoreProvider}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #put} keeps whichever of the held and incoming record {@link Record#merge} picks; it is atomic per key.
 *   <li>A future that completed successfully means the change is as durable as the store promises (for a persistent
 *       store: on disk).
 *   <li>{@link #scan} returns records in (namespace, key) order, tombstones and expired records included (callers
 *       filter), at most {@link Scan#limit()} per page, without materialising the whole store.
 * </ul>
 * The testkit's {@code LocalStoreContract} checks all of this; every store runs it.
 *
 * <h2>Thread safety</h2>
 * All methods are called from any thread, concurrently, and must not block on disk for long: complete the future
 * from the store's own thread when a write needs I/O. Reads may touch a memory-mapped file on the caller's thread.
 * Futures may complete on the store's own thread: callers hop back to their own executor before touching their
 * state.
 *
 * @since 0.1.0
 */
public interface LocalStore extends AutoCloseable {
  /** Stores {@code record} unless a newer (or equal) version is held. */
  CompletableFuture<StoreResult> put(Record record);

  /** The record held for {@code (namespace, key)}, tombstones and expired ones included. */
  CompletableFuture<Optional<Record>> get(String namespace, String key);

  /**
   * Physically removes the record if it still has {@code version} (expiry, hand-off). A newer record written
   * meanwhile stays.
   *
   * @return whether a record was removed
   */
  CompletableFuture<Boolean> remove(String namespace, String key, Version version);

  /** One page of records in (namespace, key) order; see {@link Scan}. */
  CompletableFuture<Page<Record>> scan(Scan scan);

  /**
   * Removes every record whose expiry is at or before {@code nowMillis}.
   *
   * @return how many were removed
   */
  CompletableFuture<Long> sweepExpired(long nowMillis);

  /** Records held, tombstones included. */
  long size();

  /**
   * A small piece of node state kept with the records (the node id, a routing-table snapshot), or empty. Persistent
   * stores keep it across restarts; the memory store for its lifetime.
   */
  Optional<String> loadMeta(String name);

  /** Saves a piece of node state; see {@link #loadMeta}. Durable, like a put, when the future completes. */
  CompletableFuture<Void> saveMeta(String name, String value);

  /** Removes a piece of node state; removing an absent one is not an error. */
  CompletableFuture<Void> removeMeta(String name);

  /**
   * Every piece of node state whose name starts with {@code prefix}, sorted by name (e.g. the records this node
   * published and keeps republishing, {@code pub/...}). Read once at start; not for hot paths.
   */
  java.util.SortedMap<String, String> loadMetaWithPrefix(String prefix);

  /** Flushes and releases files. Idempotent. */
  @Override
  void close();
}
