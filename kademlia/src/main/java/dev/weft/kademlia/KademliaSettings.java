package dev.weft.kademlia;

import dev.weft.api.Setting;
import java.time.Duration;

/**
 * The settings of the Kademlia engine and the memory store, each declared once with its default and range (the engine
 * provider lists them, see {@link dev.weft.api.Setting}). Set them in {@code conf/weft.properties}, as environment
 * variables of {@code weft node}, or with {@code NodeBuilder.set}.
 */
public final class KademliaSettings {
  private KademliaSettings() {}

  /** Bucket size and lookup result size. */
  public static final Setting<Integer> K = Setting.integer("weft.kademlia.k", 20, 2, 64,
      "bucket size and lookup result size");
  /** Requests in flight per lookup. */
  public static final Setting<Integer> ALPHA = Setting.integer("weft.kademlia.alpha", 3, 1, 16,
      "requests in flight per lookup");
  /** Nodes each record is stored on. */
  public static final Setting<Integer> REPLICATION = Setting.integer("weft.kademlia.replication", 8, 1, 64,
      "nodes each record is stored on (at most k)");
  /** Replicas whose answers end a read early (the newest of them wins). */
  public static final Setting<Integer> READ_QUORUM = Setting.integer("weft.kademlia.read-quorum", 3, 1, 64,
      "replicas whose answers end a read early (at most replication)");
  /**
   * Replicas whose acknowledgements complete a put, the closest one among them; the STOREs to the others are still
   * followed (stand-ins, resends). Unset, it is replication − read-quorum + 1 (6 at the defaults): the least for which
   * every quorum read meets a replica that acknowledged.
   */
  public static final Setting<Integer> WRITE_QUORUM = Setting.integer("weft.kademlia.write-quorum", 6, 1, 64,
      "replicas whose acknowledgements complete a put, the closest among them (at most replication; unset:"
          + " replication - read-quorum + 1)");
  /**
   * Time to wait for one answer. The first send to a peer whose round trips have been measured waits
   * less (see {@link #RPC_TIMEOUT_MIN}); a request gives up after (retries + 1) times this in any case.
   */
  public static final Setting<Duration> RPC_TIMEOUT = Setting.duration("weft.kademlia.rpc-timeout", "500ms",
      "time to wait for one answer");
  /**
   * The least a first send waits before it is resent: a peer's measured round trip plus four deviations is used when
   * it is between this and {@link #RPC_TIMEOUT}.
   */
  public static final Setting<Duration> RPC_TIMEOUT_MIN = Setting.duration("weft.kademlia.rpc-timeout-min", "150ms",
      "least wait before a first send to a timed peer is resent");
  /** Resends after a timeout. */
  public static final Setting<Integer> RPC_RETRIES = Setting.integer("weft.kademlia.rpc-retries", 1, 0, 5,
      "resends after a timeout");
  /** Consecutive timeouts after which a contact is dropped from the routing table. */
  public static final Setting<Integer> MAX_FAILURES = Setting.integer("weft.kademlia.max-failures", 3, 1, 100,
      "consecutive timeouts after which a contact is dropped");
  /**
   * How long a bucket may go without a lookup before it is refreshed. Stale buckets are looked for, and
   * contacts dropped after timeouts pinged again (a healed partition), every sixth of it.
   */
  public static final Setting<Duration> REFRESH_INTERVAL = Setting.duration("weft.kademlia.refresh-interval", "1h",
      "how long a bucket may go without a lookup before it is refreshed; dropped contacts are pinged again every sixth"
          + " of it");
  /** How often holders and writers republish records. */
  public static final Setting<Duration> REPUBLISH_INTERVAL = Setting.duration("weft.kademlia.republish-interval", "1h",
      "how often holders and writers republish records");
  /**
   * How often a holder checks the replicas of the records it holds: it pings its closest neighbours it has not heard
   * from lately and hands each record to nodes that became one of its replication-factor closest (a node that joined,
   * or the next one after a holder left). See docs/storage.md.
   */
  public static final Setting<Duration> MAINTENANCE_INTERVAL = Setting.duration("weft.kademlia.maintenance-interval",
      "1m",
      "how often holders check their neighbours and hand records to new closest nodes");
  /** Default time to live of a record after its writer last published it. */
  public static final Setting<Duration> RECORD_TTL = Setting.duration("weft.kademlia.record-ttl", "24h",
      "time to live of a record after its writer last published it");
  /** How long a delete's tombstone lives. */
  public static final Setting<Duration> TOMBSTONE_TTL = Setting.duration("weft.kademlia.tombstone-ttl", "24h",
      "how long a delete's tombstone lives");
  /** How often expired records are swept from the local store. */
  public static final Setting<Duration> SWEEP_INTERVAL = Setting.duration("weft.kademlia.sweep-interval", "1m",
      "how often expired records are swept");
  /**
   * Contacts of one k-bucket that may share an IP address (Sybil/eclipse bound; loopback addresses count only with
   * {@link #LIMIT_LOOPBACK}).
   */
  public static final Setting<Integer> MAX_PER_IP = Setting.integer("weft.kademlia.max-per-ip", 2, 1, 64,
      "contacts of one k-bucket that may share an IP address (Sybil bound)");
  /** Contacts of one k-bucket that may share a /24 (IPv4) or /64 (IPv6) subnet. */
  public static final Setting<Integer> MAX_PER_SUBNET = Setting.integer("weft.kademlia.max-per-subnet", 4, 1, 64,
      "contacts of one k-bucket that may share a /24 (IPv4) or /64 (IPv6)");
  /**
   * Whether the per-IP limits (k-bucket bounds, request rate) also count loopback addresses: a local cluster runs all
   * its nodes on 127.0.0.1, tests that exercise the limits give nodes their own 127.x addresses.
   */
  public static final Setting<Boolean> LIMIT_LOOPBACK = Setting.bool("weft.kademlia.limit-loopback", false,
      "whether per-IP limits (bucket bounds, request rate) count loopback");
  /**
   * Requests a second one IP address may make of this node (burst twice that); more are dropped unanswered and counted
   * ({@code refused.rate.ip}).
   */
  public static final Setting<Integer> REQUESTS_PER_IP = Setting.integer("weft.kademlia.requests-per-ip", 100, 1,
      1_000_000,
      "requests a second one IP address may make of this node (burst 2x)");
  /**
   * Records this node holds at most: when full, peers' STOREs of keys it does not hold are refused (nothing is evicted)
   * while updates and deletes of held keys still pass; its own writes count but are never refused.
   */
  public static final Setting<Integer> MAX_RECORDS = Setting.integer("weft.storage.max-records", 1_000_000, 1,
      Integer.MAX_VALUE,
      "records held at most; when full, peers' new keys are refused");
  /**
   * New keys one IP address may store on this node per hour (burst: the hour's worth at once); more are refused and
   * counted ({@code refused.store.ip-quota}). Same loopback rule as the other per-IP limits.
   */
  public static final Setting<Integer> NEW_RECORDS_PER_IP = Setting.integer("weft.storage.new-records-per-ip-hour",
      10_000, 1, Integer.MAX_VALUE,
      "new keys one IP address may store here per hour");
  /** Leading bits of a record id taken from its namespace's hash (0..160). See docs/storage.md. */
  public static final Setting<Integer> NAMESPACE_BITS = Setting.integer("weft.storage.namespace-bits", 2, 0, 160,
      "leading bits of a record id taken from its namespace's hash (0..160)");
}
