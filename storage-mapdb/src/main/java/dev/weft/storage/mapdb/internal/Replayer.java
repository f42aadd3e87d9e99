package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.storage.mapdb.MapDbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies ops read back from the log to an index, with the same merge rules as live writes. Used by {@link Recovery}
 * at open and by the index rebuild on the writer thread; one instance per replay, used by that thread only.
 *
 * <p>Ops go straight into a reused index, or, for a fresh one,
 * first into an in-memory {@link Staging} map that is bulk-loaded into MapDB at {@link #finish} (sorted loading is
 * several times faster than one B-tree put per op). Staging is bounded: once it would hold more than {@code
 * stagingLimit} bytes, what it holds is bulk-loaded at once and the remaining ops go into MapDB one by one. Either
 * way every op is decided against the state left by all earlier ops, so the result does not depend on the path.
 */
final class Replayer implements LogFormat.OpSink {
  private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

  private final Path file;
  private final boolean mmap;
  private final long stagingLimit;
  final NavigableMap<String, String> meta;
  long count;
  long live;
  /** The index receiving ops; null while they are staged. */
  private View view;
  /** Non-null while ops are merged in memory. */
  private Staging staging;
  /** Keys already in a freshly built index (null when the index was reused and may hold anything). */
  private LongSet seen;

  private Replayer(Path file, boolean mmap, long stagingLimit, View view, NavigableMap<String, String> meta,
      long count, long live) {
    this.file = file;
    this.mmap = mmap;
    this.stagingLimit = stagingLimit;
    this.view = view;
    this.meta = meta;
    this.count = count;
    this.live = live;
  }

  /** Ops on top of an index trusted after a clean close. */
  static Replayer into(View view, NavigableMap<String, String> meta, long count, long live) {
    return new Replayer(view.file, false, 0, view, meta, count, live);
  }

  /**
   * Ops into a new, empty index at {@code file} (whatever is there is deleted now: it is not trusted). With {@code
   * stagingLimit <= 0} every op goes into MapDB one by one, as before staging existed.
   */
  static Replayer fresh(Path file, boolean mmap, long stagingLimit) throws IOException {
    Replayer rp = new Replayer(file, mmap, stagingLimit, null, new TreeMap<>(), 0, 0);
    if (stagingLimit > 0) {
      Files.deleteIfExists(file);
      rp.staging = new Staging();
    } else {
      rp.view = View.create(file, mmap);
      rp.seen = new LongSet();
    }
    return rp;
  }

  /** The index holding every op replayed so far; call once, after the last op. */
  View finish() throws IOException {
    if (staging != null) {
      view = View.load(file, mmap, staging, meta);
      staging = null;
    }
    return view;
  }

  /** Closes whatever index was started, after a failure. */
  void abandon() {
    staging = null;
    if (view != null) {
      view.close();
    }
  }

  /** Staging has reached its bound: load what it holds and go on op by op. */
  private void spill() {
    LOG.info("mapdb store: the log replayed so far holds more than {} bytes in memory ({}); loading {} records "
        + "into the index and replaying the rest one op at a time", stagingLimit, MapDbSettings.REBUILD_MEMORY,
        staging.size());
    seen = new LongSet();
    for (byte[] k : staging.keys()) {
      seen.add(LongSet.hash(k));
    }
    try {
      finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Record held(byte[] key) {
    if (staging != null) {
      return staging.get(key);
    }
    if (seen != null) {
      long h = LongSet.hash(key);
      if (!seen.contains(h)) {
        seen.add(h);
        return null;
      }
    }
    return view.get(key);
  }

  @Override
  public void put(byte[] key, Record record) {
    Record held = held(key);
    Record merged = held == null ? record : held.merge(record);
    if (merged != held) {
      if (staging != null) {
        staging.put(key, merged);
      } else {
        view.put(key, merged);
      }
      live += Codec.liveSize(key, merged) - (held == null ? 0 : Codec.liveSize(key, held));
      if (held == null) {
        count++;
      }
      if (staging != null && staging.bytes() > stagingLimit) {
        spill();
      }
    }
  }

  @Override
  public void remove(byte[] key, Version version) {
    if (staging == null && seen != null && !seen.contains(LongSet.hash(key))) {
      return;
    }
    Record held = staging != null ? staging.get(key) : view.get(key);
    if (held != null && held.version().equals(version)) {
      if (staging != null) {
        staging.remove(key);
      } else {
        view.remove(key);
      }
      live -= Codec.liveSize(key, held);
      count--;
    }
  }

  // While staging, meta entries live only in the map and are written to the index by finish().

  @Override
  public void metaSet(String name, String value) {
    if (staging == null) {
      view.putMeta(name, value);
    }
    meta.put(name, value);
  }

  @Override
  public void metaRemove(String name) {
    if (staging == null) {
      view.removeMeta(name);
    }
    meta.remove(name);
  }

  /** Heap a rebuild may use to merge the log in memory: the setting, but never more than a quarter of the heap. */
  static long stagingLimit(StoreOptions o) {
    return Math.min(o.rebuildMemory(), Runtime.getRuntime().maxMemory() / 4);
  }
}
