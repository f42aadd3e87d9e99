package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store spread over the DHT: the seed's Storage group with full CRUD.
 *
 * <p>Every {@code (namespace, key)} pair maps to a 160-bit id (see {@link NodeId#forKey}); the object is kept by the
 * replication-factor nodes closest to that id. Each write carries a {@link Version}; replicas keep the newest, so an
 * update is simply a newer {@code put} and a delete is a newer tombstone.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe and never block: they return futures that complete on the node's event thread. Do not
 * block inside dependent stages; use the {@code *Async} variants of {@link CompletableFuture} for slow work.
 *
 * <h2>Null contract</h2>
 * No argument may be null; no future completes with null.
 */
public interface Storage {
  /**
   * Stores {@code value} under {@code (namespace, key)} with the default time to live.
   *
   * @return completes with how many replicas acknowledged; completes exceptionally with {@link WeftException} when none
   *     did, and with {@link ValueTooLargeException} (without touching the network) when the value is over the limit
   */
  CompletableFuture<PutResult> put(String namespace, String key, JsonNode value);

  /** As {@link #put(String, String, JsonNode)}, with a time to live for this object; the writer republishes it until then. */
  CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl);

  /**
   * Reads the newest version of {@code (namespace, key)} that the closest nodes hold, and brings stale replicas met on
   * the way up to date.
   *
   * @return an object, or empty when the closest nodes answered and none holds it (or it was deleted); completes
   *     exceptionally with {@link LookupFailedException} when the closest nodes could not be asked, so that
   *     "not found" is never confused with "could not look"
   */
  CompletableFuture<Optional<StoredObject>> get(String namespace, String key);

  /**
   * Deletes {@code (namespace, key)} by writing a tombstone, a newer version that reads as "not found", replicates like
   * any object and expires after the tombstone time to live.
   *
   * @return as for {@link #put(String, String, JsonNode)}
   */
  CompletableFuture<PutResult> delete(String namespace, String key);

  /**
   * Lists objects held in this node's local store, one page at a time, in (namespace, key) order. Tombstones and
   * expired objects are skipped. Nothing goes over the network.
   */
  CompletableFuture<Page<StoredObject>> lscan(Scan scan);

  /** The first page of every locally stored object. */
  default CompletableFuture<Page<StoredObject>> lscan() {
    return lscan(Scan.all());
  }

  /** The first page of locally stored objects in {@code namespace}. */
  default CompletableFuture<Page<StoredObject>> lscan(String namespace) {
    return lscan(Scan.namespace(namespace));
  }
}
