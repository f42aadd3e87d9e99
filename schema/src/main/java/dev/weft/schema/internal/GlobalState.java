package dev.weft.schema.internal;

import dev.weft.api.Version;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.plugin.PluginState;
import dev.weft.schema.Global;
import dev.weft.schema.GlobalListener;
import dev.weft.schema.Schema;
import dev.weft.schema.SchemaSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The globals this node holds: the table, its durable copy in the plugin's state, the listeners told of each change,
 * and the checks a version from elsewhere passes before it is taken. Used by the plugin (writes, broadcasts) and by
 * both sides of anti-entropy, on any thread; thread-safe.
 */
final class GlobalState {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalState.class);
  static final String STATE_PREFIX = "g/";

  /** How a version reached this node. */
  enum Source { LOCAL, BROADCAST, SYNC, STORE }

  private record Listener(String name, GlobalListener listener) {}

  final GlobalTable table;
  final int maxValueBytes;
  private final VersionClock clock;
  private final PluginState state;
  private final Scheduler scheduler;
  private final long tombstoneTtlMillis;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Executor listenerExecutor;
  final LongAdder fromBroadcast = new LongAdder();
  final LongAdder fromSync = new LongAdder();
  final LongAdder rejected = new LongAdder();

  GlobalState(GlobalTable table, int maxValueBytes, long tombstoneTtlMillis, VersionClock clock, PluginState state,
      Scheduler scheduler) {
    this.table = table;
    this.maxValueBytes = maxValueBytes;
    this.tombstoneTtlMillis = tombstoneTtlMillis;
    this.clock = clock;
    this.state = state;
    this.scheduler = scheduler;
    this.listenerExecutor = scheduler.sequential();
  }

  /** Reads the globals saved by an earlier run; unreadable ones are skipped. */
  void load() {
    Version newest = Version.ZERO;
    for (Map.Entry<String, String> e : state.loadAll(STATE_PREFIX).entrySet()) {
      try {
        Global g = GlobalCodec.parse(e.getValue(), maxValueBytes);
        table.apply(g, applied -> {});
        newest = g.version().isNewerThan(newest) ? g.version() : newest;
      } catch (IllegalArgumentException ex) {
        LOG.warn("ignoring an unreadable saved global {}: {}", e.getKey(), ex.getMessage());
      }
    }
    clock.observe(newest);
  }

  /** Tells {@code listener} of every change to {@code name} (null: to any global). */
  Schema.Registration listen(String name, GlobalListener listener) {
    Listener l = new Listener(name, listener);
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  /** Takes a version from a peer or a broadcast; true when it was new here. */
  boolean accept(Global g, Source source) {
    if (!clock.plausible(g.version())) {
      rejected.increment();
      LOG.debug("refusing global {} stamped {}: too far ahead of this node's clock", g.name(), g.version());
      return false;
    }
    if (expired(g)) {
      return false;
    }
    GlobalTable.Outcome outcome = table.apply(g, applied -> applied(applied, source));
    if (outcome == GlobalTable.Outcome.TOO_MANY_NAMES || outcome == GlobalTable.Outcome.TOO_MANY_BYTES) {
      rejected.increment();
      LOG.warn("refusing global {}: this node holds the most globals it may ({}, {})", g.name(),
          SchemaSettings.MAX_GLOBALS, SchemaSettings.MAX_TOTAL_BYTES);
    }
    if (outcome != GlobalTable.Outcome.APPLIED) {
      return false;
    }
    clock.observe(g.version());
    (source == Source.BROADCAST ? fromBroadcast : fromSync).increment();
    return true;
  }

  /** Under the table's lock: saves and announces a change in the order the table made them. */
  CompletableFuture<Void> applied(Global g, Source source) {
    CompletableFuture<Void> saved = state.save(STATE_PREFIX + g.name(), GlobalCodec.text(g));
    saved.exceptionally(e -> {
      LOG.warn("could not save global {}: {}", g.name(), e.toString());
      return null;
    });
    listenerExecutor.execute(() -> {
      for (Listener l : listeners) {
        if (l.name == null || l.name.equals(g.name())) {
          try {
            l.listener.onGlobal(g);
          } catch (RuntimeException e) {
            LOG.warn("a global listener failed on {}", g.name(), e);
          }
        }
      }
    });
    return saved;
  }

  /** A removal older than the tombstone time to live: no longer kept or spread. */
  boolean expired(Global g) {
    return g.removed() && g.version().millis() + tombstoneTtlMillis < scheduler.currentTimeMillis();
  }

  /** Drops expired tombstones from the table and the saved state. */
  void forgetExpired() {
    for (Global g : table.all()) {
      if (expired(g)) {
        table.forget(g, f -> state.remove(STATE_PREFIX + f.name()));
      }
    }
  }
}
