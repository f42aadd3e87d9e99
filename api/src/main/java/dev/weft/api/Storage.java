package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store spread over the DHT: the seed's Storage group with full CRUD.
 *
 * <p>Every {@code (namespace, key)} pair maps to a 160-bit id (see {@link NodeId#forKey}); the object is kept by the
 * replication-factor nodes closest to that id. Each write carries a {@link Version}; replicas keep the newest, so an
 * update is simply a newer {@code put} and a delete is a newer tombstone.
 *
 * <h2>Owned namespaces</h2>
 * Anyone may write any key of a plain namespace. A namespace that starts with {@code @} is owned by the key it names
 * ({@link RecordSigner}): only writes signed by that key ({@code put}/{@code delete} with the signer, or
 * {@link #putSigned} of a record signed elsewhere) are stored by replicas and taken by readers. Writing there without
 * the owner's signer, or passing a signer for a namespace it does not own (plain ones included: nobody would check
 * that signature), fails at once with {@link IllegalArgumentException}.
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
   * As {@link #put(String, String, JsonNode)}, into an owned namespace of {@code signer}: the record is signed here, and
   * this node keeps {@code signer} to sign the refreshed expiry each time it republishes (while it runs; after a
   * restart it republishes the record unchanged until the expiry signed last).
   */
  CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, RecordSigner signer);

  /** As {@link #put(String, String, JsonNode, Duration)}, into an owned namespace of {@code signer}, signed here. */
  CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl, RecordSigner signer);

  /**
   * Stores a record of an owned namespace that its owner signed elsewhere (a client that keeps its key to itself):
   * the record's value bytes, version, expiry and signature go out unchanged, and this node republishes it until its
   * expiry. The owner chooses the version: it must not be ahead of this node's clock by more than the tolerated drift
   * (one minute), and must be newer than the held one to win.
   *
   * @return as for {@link #put(String, String, JsonNode)}; fails with {@link IllegalArgumentException} (without touching
   *     the network) when the signature does not verify, the version is too far ahead, or the record has expired
   */
  CompletableFuture<PutResult> putSigned(Record record);

  /**
   * Stores many objects at once, each as {@link #put(String, String, JsonNode)} would: the same versions, replicas,
   * republishing and meaning of "acknowledged". A node may group the objects that go to the same replica into one
   * message, which makes loading many objects far faster than a put each. Batches do not sign: an object of an owned
   * namespace fails (write those with {@link #put(String, String, JsonNode, RecordSigner)}).
   *
   * <p>One object's failure does not fail the others: the future completes once every object is settled, with one
   * {@link PutOutcome} per write, in the order of {@code writes}. It completes exceptionally only when the batch could
   * not be started at all (the node is closed). The caller bounds the batch (memory is its own); the node paces what
   * it sends.
   */
  default CompletableFuture<List<PutOutcome>> putAll(List<Write> writes) {
    return putEach(writes, null);
  }

  /** As {@link #putAll(List)}, with a time to live for every object ({@link #put(String, String, JsonNode, Duration)}). */
  default CompletableFuture<List<PutOutcome>> putAll(List<Write> writes, Duration ttl) {
    return putEach(writes, java.util.Objects.requireNonNull(ttl, "ttl"));
  }

  /** The batch as one put per object (ttl null: the default), for stores that have nothing better. */
  private CompletableFuture<List<PutOutcome>> putEach(List<Write> writes, Duration ttl) {
    List<CompletableFuture<PutOutcome>> each = new ArrayList<>(writes.size());
    for (Write w : writes) {
      CompletableFuture<PutResult> put;
      try {
        put = ttl == null ? put(w.namespace(), w.key(), w.value()) : put(w.namespace(), w.key(), w.value(), ttl);
      } catch (RuntimeException e) {
        put = CompletableFuture.failedFuture(e);
      }
      each.add(put.handle((r, e) -> e == null ? PutOutcome.stored(r) : PutOutcome.failed(PutOutcome.reason(e))));
    }
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(ignored -> each.stream().map(CompletableFuture::join).toList());
  }

  /**
   * Reads the newest version of {@code (namespace, key)} that the closest nodes hold, and brings stale replicas met on
   * the way up to date. In an owned namespace, answers whose signature does not verify are ignored.
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

  /** As {@link #delete(String, String)}, in an owned namespace of {@code signer}: the tombstone is signed here. */
  CompletableFuture<PutResult> delete(String namespace, String key, RecordSigner signer);

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
