package dev.weft.kademlia.internal;

import dev.weft.api.Page;
import dev.weft.api.Record;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreResult;
import dev.weft.api.util.ScanPages;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records in a sorted concurrent map: fast, lost on exit. The default store. Every operation completes before it
 * returns, so its futures are already done.
 */
final class MemoryStore implements LocalStore {
  /** (namespace, key) order, written out: the map compares keys on every put and get. */
  record Key(String namespace, String key) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = namespace.compareTo(o.namespace);
      return c != 0 ? c : key.compareTo(o.key);
    }
  }

  private final ConcurrentSkipListMap<Key, Record> records = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, String> meta = new ConcurrentSkipListMap<>();
  private volatile boolean closed;

  @Override
  public CompletableFuture<StoreResult> put(Record record) {
    checkOpen();
    AtomicReference<StoreResult.Outcome> outcome = new AtomicReference<>();
    Record current = records.compute(new Key(record.namespace(), record.key()), (k, held) -> {
      if (held == null) {
        outcome.set(StoreResult.Outcome.STORED);
        return record;
      }
      Record merged = held.merge(record);
      outcome.set(merged == held ? StoreResult.Outcome.STALE
          : merged.version().equals(held.version()) ? StoreResult.Outcome.REFRESHED : StoreResult.Outcome.STORED);
      return merged;
    });
    return CompletableFuture.completedFuture(new StoreResult(outcome.get(), current));
  }

  @Override
  public CompletableFuture<Optional<Record>> get(String namespace, String key) {
    checkOpen();
    return CompletableFuture.completedFuture(Optional.ofNullable(records.get(new Key(namespace, key))));
  }

  @Override
  public CompletableFuture<Boolean> remove(String namespace, String key, Version version) {
    checkOpen();
    boolean[] removed = new boolean[1];
    records.computeIfPresent(new Key(namespace, key), (k, held) -> {
      if (held.version().equals(version)) {
        removed[0] = true;
        return null;
      }
      return held;
    });
    return CompletableFuture.completedFuture(removed[0]);
  }

  @Override
  public CompletableFuture<Page<Record>> scan(Scan scan) {
    checkOpen();
    NavigableMap<Key, Record> view;
    if (scan.afterNamespace().isPresent()) {
      view = records.tailMap(new Key(scan.afterNamespace().get(), scan.afterKey().orElse("")), false);
    } else if (scan.namespace().isPresent()) {
      view = records.tailMap(new Key(scan.namespace().get(), ""), true);
    } else {
      view = records;
    }
    return CompletableFuture.completedFuture(ScanPages.page(scan, view.values().iterator()));
  }

  @Override
  public CompletableFuture<Long> sweepExpired(long nowMillis) {
    checkOpen();
    long removed = 0;
    for (Map.Entry<Key, Record> e : records.entrySet()) {
      if (e.getValue().isExpired(nowMillis) && records.remove(e.getKey(), e.getValue())) {
        removed++;
      }
    }
    return CompletableFuture.completedFuture(removed);
  }

  @Override
  public long size() {
    return records.size();
  }

  @Override
  public Optional<String> loadMeta(String name) {
    return Optional.ofNullable(meta.get(name));
  }

  @Override
  public CompletableFuture<Void> saveMeta(String name, String value) {
    meta.put(name, value);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> removeMeta(String name) {
    meta.remove(name);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public SortedMap<String, String> loadMetaWithPrefix(String prefix) {
    return new TreeMap<>(meta.subMap(prefix, true, prefix + Character.MAX_VALUE, true));
  }

  @Override
  public void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
