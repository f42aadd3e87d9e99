package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.pht.Pht;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the space of dropped tables and indexes on this node (docs/query.md, "Dropping frees the space"): every node
 * removes its own copies of their rows and index entries as it learns of the drop ({@link Dht#purge}, {@link
 * Pht#purge}), and no message is sent. Each node learns every drop (the catalog is in globals, which reach every node,
 * by anti-entropy if not by broadcast), so every copy goes, and the writers, which purge too, stop republishing them.
 *
 * <p>A copy can come back after its node purged it: written by a keeper that had not learned of the drop yet, or
 * republished by a node that was away. So each node also sweeps its store every {@code interval}: the rows and trie
 * nodes of the tables and indexes this node saw dropped are purged again, and a row namespace of an incarnation it
 * never knew, whose table it knows as dropped or created again since, is purged of the rows older than that change.
 *
 * <p>Threads: the listener runs on the schema's listener thread, the sweep on the scheduler, purges complete on the
 * event thread; the state is concurrent.
 */
final class Reclaimer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
  /** Objects listed per page by the sweep. */
  private static final int SWEEP_PAGE = 5000;

  private final Schema schema;
  private final Dht dht;
  private final Pht pht;
  private final Storage storage;
  private final Scheduler scheduler;
  private final Counters counters;
  private final Duration interval;
  /** Table name → the incarnation this node last knew. */
  private final Map<String, String> tables = new ConcurrentHashMap<>();
  /** Index name → the definition this node last knew. */
  private final Map<String, IndexDefinition> indexes = new ConcurrentHashMap<>();
  /** Row namespaces and PHT indexes of the tables and indexes this node saw dropped: sweeps purge them again. */
  private final Set<String> deadRows = ConcurrentHashMap.newKeySet();
  private final Set<String> deadIndexes = ConcurrentHashMap.newKeySet();
  private final Schema.Registration registration;
  private volatile Scheduler.Cancellable next;
  private volatile boolean closed;

  Reclaimer(Schema schema, Dht dht, Pht pht, Storage storage, Scheduler scheduler, Counters counters,
      Duration interval) {
    this.schema = schema;
    this.dht = dht;
    this.pht = pht;
    this.storage = storage;
    this.scheduler = scheduler;
    this.counters = counters;
    this.interval = interval;
    for (Global g : schema.globals().values()) {
      learn(g, false);
    }
    this.registration = schema.addListener(g -> learn(g, true));
    this.next = scheduler.schedule(this::sweep, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A new version of a global: a table or index this node knew that it removes or replaces is dead, and purged. A
   * version this node cannot read (a newer node's form) changes nothing: it may well be the same table.
   */
  private void learn(Global g, boolean purge) {
    Optional<String> table = TableDefinition.tableOfGlobal(g.name());
    if (table.isPresent()) {
      Optional<String> now = definition(g, table.get(), TableDefinition::fromJson)
          .map(TableDefinition::incarnation);
      if (now.isEmpty() && !g.removed()) {
        return;
      }
      String before = now.isPresent() ? tables.put(table.get(), now.get()) : tables.remove(table.get());
      if (purge && before != null && !now.equals(Optional.of(before))) {
        purge(table.get(), before);
      }
      return;
    }
    Optional<String> index = IndexDefinition.indexOfGlobal(g.name());
    if (index.isPresent()) {
      Optional<IndexDefinition> now = definition(g, index.get(), IndexDefinition::fromJson);
      if (now.isEmpty() && !g.removed()) {
        return;
      }
      IndexDefinition before = now.isPresent() ? indexes.put(index.get(), now.get()) : indexes.remove(index.get());
      if (purge && before != null && !now.map(IndexDefinition::phtIndex).equals(Optional.of(before.phtIndex()))) {
        purge(before);
      }
    }
  }

  /** The rows of a dropped incarnation, and the indexes this node knew on it. */
  private void purge(String table, String incarnation) {
    String rows = TableDefinition.rowNamespace(table, incarnation);
    deadRows.add(rows);
    count(dht.purge(rows, Long.MAX_VALUE), "table " + table);
    for (IndexDefinition i : indexes.values()) {
      if (i.table().equals(table) && i.tableIncarnation().equals(incarnation)) {
        indexes.remove(i.name(), i);
        purge(i);
      }
    }
  }

  private void purge(IndexDefinition index) {
    deadIndexes.add(index.phtIndex());
    count(pht.purge(index.phtIndex()), "index " + index.name());
  }

  private void count(CompletableFuture<Long> purged, String what) {
    purged.whenComplete((n, e) -> {
      if (e != null) {
        LOG.warn("could not free the space of dropped {}: {}", what, e.toString());
      } else {
        counters.objectsReclaimed.addAndGet(n);
      }
    });
  }

  private interface Parser<T> {
    T parse(String name, JsonNode json);
  }

  /** The definition a global holds; empty when removed, and when unreadable (a newer node's form). */
  private static <T> Optional<T> definition(Global g, String name, Parser<T> parser) {
    try {
      return g.value().map(v -> parser.parse(name, v));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Below which version (milliseconds) the rows of a row namespace of {@code incarnation} are dead, given the newest
   * version of its table's global this node holds: the table was dropped, or created again, since. Empty when they may
   * be live: this node knows no newer version, or the global names that incarnation. The margin of a clock skew keeps
   * the rows of an incarnation created after the version this node knows (it has not heard of it yet), which are
   * written after their CREATE TABLE settled.
   */
  static OptionalLong deadBefore(String table, String incarnation, Optional<Global> latest) {
    if (latest.isEmpty()) {
      return OptionalLong.empty();
    }
    Global g = latest.get();
    if (!g.removed()) {
      Optional<TableDefinition> now = definition(g, table, TableDefinition::fromJson);
      if (now.isEmpty() || now.get().incarnation().equals(incarnation)) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(g.version().millis() - Settling.SKEW_MILLIS);
  }

  /** Lists the namespaces this node holds, then purges the dead ones; schedules the next sweep once done. */
  private void sweep() {
    if (closed) {
      return;
    }
    Set<String> namespaces = new TreeSet<>();
    list(Scan.all().limit(SWEEP_PAGE), namespaces).thenRun(() -> {
      for (String ns : namespaces) {
        Optional<String> table = TableDefinition.tableOfRowNamespace(ns);
        if (deadRows.contains(ns)) {
          count(dht.purge(ns, Long.MAX_VALUE), "table " + table.orElse(ns));
        } else if (table.isPresent()) {
          OptionalLong before = deadBefore(table.get(), TableDefinition.incarnationOfRowNamespace(ns).orElseThrow(),
              schema.latest(TableDefinition.globalNameOf(table.get())));
          if (before.isPresent()) {
            count(dht.purge(ns, before.getAsLong()), "table " + table.get());
          }
        }
      }
      deadIndexes.forEach(i -> count(pht.purge(i), "PHT index " + i));
    }).whenComplete((x, e) -> {
      if (e != null && !closed) {
        LOG.warn("sweep for dropped tables' rows failed: {}", e.toString());
      }
      if (!closed) {
        next = scheduler.schedule(this::sweep, interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  private CompletableFuture<Void> list(Scan scan, Set<String> namespaces) {
    return storage.lscan(scan).thenCompose((Page<StoredObject> page) -> {
      page.items().forEach(o -> namespaces.add(o.namespace()));
      return page.next().isPresent() && !closed ? list(page.next().get(), namespaces)
          : CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public void close() {
    closed = true;
    registration.close();
    next.cancel();
  }
}
