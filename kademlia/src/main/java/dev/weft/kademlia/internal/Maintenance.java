package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's periodic work: bucket refresh (with pings to dropped contacts and a rejoin when alone), replica
 * maintenance (pings to quiet neighbours, then storage's hand-off), and the scheduling of storage's sweep and
 * republish; also the join's self-lookup and far-bucket refresh.
 *
 * <p>Timers fire on the scheduler and run their task on the node's loop; every method is called on the loop except
 * {@link #start} and {@link #cancel} (from the node's constructor and {@code close()}). Not thread-safe otherwise.
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  /** Dropped contacts remembered to ping again (see {@link #dropped}). */
  private static final int MAX_DROPPED = 64;

  /** What maintenance does through the node. */
  interface Actions {
    CompletableFuture<?> ping(Contact c);

    /** An iterative FIND_NODE for the {@code count} closest to {@code target}. */
    CompletableFuture<Lookup.Result> lookupNodes(NodeId target, int count);

    /** Saves the most recently seen contacts, for a fast rejoin after a restart. */
    void saveRoutingTable();

    /** Joins again through {@code bootstrap} (the node lost every contact). */
    void rejoin(List<Address> bootstrap);

    /** Whether the node is closed: nothing more is scheduled then. */
    boolean closed();
  }

  private final NodeId id;
  private final RoutingTable table;
  private final KademliaConfig cfg;
  private final Scheduler scheduler;
  private final Executor loop;
  private final Random random;
  private final Actions actions;
  private final List<Periodic> timers = new ArrayList<>();
  private final List<Address> bootstrap = new ArrayList<>();
  /**
   * Contacts dropped after timeouts, oldest first, pinged again on every bucket refresh while their bucket has room.
   * Without this two sides of a partition that lasted {@code max-failures} timeouts never find each other again: each
   * side's lookups only reach its own side, and the bootstrap is used only when the table is empty.
   */
  private final Map<NodeId, Dropped> droppedContacts = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Dropped> eldest) {
      return size() > MAX_DROPPED;
    }
  };

  Maintenance(NodeId id, RoutingTable table, KademliaConfig cfg, Scheduler scheduler, Executor loop, Random random,
      Actions actions) {
    this.id = id;
    this.table = table;
    this.cfg = cfg;
    this.scheduler = scheduler;
    this.loop = loop;
    this.random = random;
    this.actions = actions;
  }

  /** Arms the periodic tasks; storage's are given by the node. */
  void start(Runnable sweep, Runnable republish, Runnable storageMaintain) {
    schedule(cfg.sweepInterval().toMillis(), sweep);
    schedule(Math.max(1000, cfg.refreshInterval().toMillis() / 6), this::refreshBuckets);
    schedule(cfg.republishInterval().toMillis(), republish);
    schedule(cfg.maintenanceInterval().toMillis(), () -> maintain(storageMaintain));
  }

  void cancel() {
    for (Periodic p : timers) {
      p.cancel();
    }
  }

  /** The addresses a rejoin goes through: the last join's. */
  void bootstrap(List<Address> addresses) {
    bootstrap.clear();
    bootstrap.addAll(addresses);
  }

  /** {@code c} was dropped from the routing table after timeouts: it is pinged again while its bucket has room. */
  void dropped(Contact c) {
    droppedContacts.put(c.id(), new Dropped(c, scheduler.currentTimeMillis()));
  }

  /** A maintenance task that reschedules itself after each run (fixed delay), on the loop. */
  private final class Periodic implements Runnable {
    private final long periodMillis;
    private final Runnable task;
    private volatile Scheduler.Cancellable next;

    Periodic(long periodMillis, Runnable task) {
      this.periodMillis = periodMillis;
      this.task = task;
    }

    void arm() {
      if (!actions.closed()) {
        next = scheduler.schedule(this, periodMillis, TimeUnit.MILLISECONDS);
      }
    }

    void cancel() {
      Scheduler.Cancellable n = next;
      if (n != null) {
        n.cancel();
      }
    }

    @Override
    public void run() {
      loop.execute(() -> {
        if (actions.closed()) {
          return;
        }
        try {
          task.run();
        } finally {
          arm();
        }
      });
    }
  }

  private void schedule(long periodMillis, Runnable task) {
    Periodic p = new Periodic(periodMillis, task);
    timers.add(p);
    p.arm();
  }

  private void refreshBuckets() {
    long now = scheduler.currentTimeMillis();
    actions.saveRoutingTable();
    reviveDropped(now);
    if (rejoinIfAlone()) {
      return;
    }
    for (int index : table.staleBuckets(now - cfg.refreshInterval().toMillis())) {
      actions.lookupNodes(id.randomInBucket(index, random), cfg.k());
    }
  }

  /**
   * Looks ourselves up, again (up to {@code attempts} in all) while requests timed out and fewer than k neighbours
   * answered. With 10% loss one join in twenty lost both tries of its one FIND_NODE to the bootstrap and ended with a
   * table of one contact: such a node placed records on the wrong nodes and failed most of its gets for an hour.
   */
  CompletableFuture<Void> lookupSelf(int attempts) {
    return actions.lookupNodes(id, cfg.k()).handleAsync((r, e) -> {
      boolean thin = r == null || (r.closest().size() < cfg.k() && r.queried() > r.answered().size());
      return thin && attempts > 1 && !actions.closed() ? lookupSelf(attempts - 1) : CompletableFuture.<Void>completedFuture(null);
    }, loop).thenCompose(f -> f);
  }

  /**
   * Replica maintenance: pings the neighbours we have not heard from for an interval (one that left stops answering and
   * sorts last in {@link RoutingTable#closest}, so the next node in line takes its place in every holder's view), then
   * lets storage hand records to the nodes that became one of their closest.
   */
  private void maintain(Runnable storageMaintain) {
    if (rejoinIfAlone()) {
      return;
    }
    long quiet = scheduler.currentTimeMillis() - cfg.maintenanceInterval().toMillis();
    for (Contact c : table.closest(id, cfg.replication())) {
      RoutingTable.Entry e = table.find(c.id());
      if (e != null && e.lastSeenMillis < quiet && !e.pinging) {
        actions.ping(c);
      }
    }
    storageMaintain.run();
  }

  /** A node that lost every contact (or whose join failed) joins again through its bootstrap addresses. */
  private boolean rejoinIfAlone() {
    if (table.size() > 0 || bootstrap.isEmpty()) {
      return false;
    }
    LOG.info("node {} has no contacts; rejoining through {}", id.shortHex(), bootstrap);
    actions.rejoin(List.copyOf(bootstrap));
    return true;
  }

  /**
   * Pings the dropped contacts whose bucket has room; one that answers enters the table like any other. A contact
   * silent for longer than a record lives is forgotten: whatever it held has expired.
   */
  private void reviveDropped(long now) {
    long horizon = now - cfg.recordTtl().toMillis();
    for (var it = droppedContacts.values().iterator(); it.hasNext(); ) {
      Dropped d = it.next();
      if (d.atMillis() < horizon || table.find(d.contact().id()) != null) {
        it.remove();
      } else if (table.wouldAdd(d.contact().id())) {
        actions.ping(d.contact());
      }
    }
  }

  private record Dropped(Contact contact, long atMillis) {}

  /**
   * Looks up a random id in every bucket farther than our closest neighbour (after joining). Each lookup only needs to
   * fill its bucket, which the contact lists of its first answers do: it stops at the alpha closest, not the k closest
   * (37% fewer simulator events per join at 10,000 nodes, same hops; docs/scale.md).
   */
  CompletableFuture<Void> refreshAll() {
    List<Contact> nearest = table.closest(id, 1);
    if (nearest.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    int from = id.bucketIndex(nearest.get(0).id());
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = from + 1; i < NodeId.BITS; i++) {
      if (!table.bucketContacts(i).isEmpty() || i > NodeId.BITS - 8) {
        all.add(actions.lookupNodes(id.randomInBucket(i, random), cfg.alpha()));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((r, e) -> null);
  }
}
