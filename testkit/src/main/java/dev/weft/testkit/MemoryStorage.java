package dev.weft.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Page;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The storage of {@link EmbeddedDht}'s peers: one map for the whole network, as if every replica agreed at once.
 * Futures complete on the scheduler (a later task, never inside the call), as a node's do on its event thread.
 * Expiry follows the scheduler's clock. Signed writes and scans are not supported.
 */
final class MemoryStorage implements Storage {
  record Entry(StoredObject object, long expiresMillis) {}

  private final Map<String, Entry> records;
  private final Scheduler scheduler;
  private final VersionClock clock;

  /** A view of {@code records} that stamps writes with {@code clock}; all views of one network share the map. */
  MemoryStorage(Map<String, Entry> records, Scheduler scheduler, VersionClock clock) {
    this.records = records;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  static Map<String, Entry> newMap() {
    return new HashMap<>();
  }

  private static String ref(String namespace, String key) {
    return namespace + "\u0000" + key;
  }

  private <T> CompletableFuture<T> later(T value) {
    CompletableFuture<T> f = new CompletableFuture<>();
    scheduler.execute(() -> f.complete(value));
    return f;
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value) {
    return put(namespace, key, value, Duration.ofDays(365L * 100));
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl) {
    Version v = clock.next();
    synchronized (records) {
      records.put(ref(namespace, key), new Entry(new StoredObject(namespace, key, value.deepCopy(), v),
          scheduler.currentTimeMillis() + ttl.toMillis()));
    }
    return later(new PutResult(v, 1, 1));
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, RecordSigner signer) {
    throw new UnsupportedOperationException("signed records are not supported by the embedded DHT");
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl,
      RecordSigner signer) {
    throw new UnsupportedOperationException("signed records are not supported by the embedded DHT");
  }

  @Override
  public CompletableFuture<PutResult> putSigned(Record record) {
    throw new UnsupportedOperationException("signed records are not supported by the embedded DHT");
  }

  @Override
  public CompletableFuture<Optional<StoredObject>> get(String namespace, String key) {
    Optional<StoredObject> found;
    synchronized (records) {
      Entry e = records.get(ref(namespace, key));
      found = e == null || e.expiresMillis() <= scheduler.currentTimeMillis() ? Optional.empty()
          : Optional.of(e.object());
    }
    return later(found);
  }

  @Override
  public CompletableFuture<PutResult> delete(String namespace, String key) {
    Version v = clock.next();
    synchronized (records) {
      records.remove(ref(namespace, key));
    }
    return later(new PutResult(v, 1, 1));
  }

  @Override
  public CompletableFuture<PutResult> delete(String namespace, String key, RecordSigner signer) {
    throw new UnsupportedOperationException("signed records are not supported by the embedded DHT");
  }

  /** Removes {@code namespace}'s objects stamped before {@code writtenBeforeMillis}, for every peer at once. */
  CompletableFuture<Long> purge(String namespace, long writtenBeforeMillis) {
    long removed = 0;
    synchronized (records) {
      for (var it = records.values().iterator(); it.hasNext(); ) {
        StoredObject o = it.next().object();
        if (o.namespace().equals(namespace) && o.version().millis() < writtenBeforeMillis) {
          it.remove();
          removed++;
        }
      }
    }
    return later(removed);
  }

  @Override
  public CompletableFuture<Page<StoredObject>> lscan(Scan scan) {
    throw new UnsupportedOperationException("scans are not supported by the embedded DHT");
  }
}
