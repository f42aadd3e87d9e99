package dev.weft.kademlia;

/**
 * The configuration keys of the Kademlia engine and the memory store, with their defaults. Set them in {@code
 * conf/weft.properties}, as {@code -D} system properties of the launcher, or with {@code NodeBuilder.set}.
 */
public final class KademliaSettings {
  private KademliaSettings() {}

  /** Bucket size and lookup result size. Default 20. */
  public static final String K = "weft.kademlia.k";
  /** Requests in flight per lookup. Default 3. */
  public static final String ALPHA = "weft.kademlia.alpha";
  /** Nodes each record is stored on. Default 8. */
  public static final String REPLICATION = "weft.kademlia.replication";
  /** Replicas whose answers end a read early (the newest of them wins). Default 3. */
  public static final String READ_QUORUM = "weft.kademlia.read-quorum";
  /**
   * Time to wait for one answer. Default 500ms. The first send to a peer whose round trips have been measured waits
   * less (see {@link #RPC_TIMEOUT_MIN}); a request gives up after (retries + 1) times this in any case.
   */
  public static final String RPC_TIMEOUT = "weft.kademlia.rpc-timeout";
  /**
   * The least a first send waits before it is resent: a peer's measured round trip plus four deviations is used when
   * it is between this and {@link #RPC_TIMEOUT}. Default 150ms.
   */
  public static final String RPC_TIMEOUT_MIN = "weft.kademlia.rpc-timeout-min";
  /** Resends after a timeout. Default 1. */
  public static final String RPC_RETRIES = "weft.kademlia.rpc-retries";
  /** Consecutive timeouts after which a contact is dropped from the routing table. Default 3. */
  public static final String MAX_FAILURES = "weft.kademlia.max-failures";
  /**
   * How long a bucket may go without a lookup before it is refreshed. Default 1h. Stale buckets are looked for, and
   * contacts dropped after timeouts pinged again (a healed partition), every sixth of it.
   */
  public static final String REFRESH_INTERVAL = "weft.kademlia.refresh-interval";
  /** How often holders and writers republish records. Default 1h. */
  public static final String REPUBLISH_INTERVAL = "weft.kademlia.republish-interval";
  /**
   * How often a holder checks the replicas of the records it holds: it pings its closest neighbours it has not heard
   * from lately and hands each record to nodes that became one of its replication-factor closest (a node that joined,
   * or the next one after a holder left). Default 1m; see docs/storage.md.
   */
  public static final String MAINTENANCE_INTERVAL = "weft.kademlia.maintenance-interval";
  /** Default time to live of a record after its writer last published it. Default 24h. */
  public static final String RECORD_TTL = "weft.kademlia.record-ttl";
  /** How long a delete's tombstone lives. Default 24h. */
  public static final String TOMBSTONE_TTL = "weft.kademlia.tombstone-ttl";
  /** How often expired records are swept from the local store. Default 1m. */
  public static final String SWEEP_INTERVAL = "weft.kademlia.sweep-interval";
  /**
   * Contacts of one k-bucket that may share an IP address (Sybil/eclipse bound; loopback addresses count only with
   * {@link #LIMIT_LOOPBACK}). Default 2.
   */
  public static final String MAX_PER_IP = "weft.kademlia.max-per-ip";
  /** Contacts of one k-bucket that may share a /24 (IPv4) or /64 (IPv6) subnet. Default 4. */
  public static final String MAX_PER_SUBNET = "weft.kademlia.max-per-subnet";
  /**
   * Whether the per-IP limits (k-bucket bounds, request rate) also count loopback addresses: a local cluster runs all
   * its nodes on 127.0.0.1, tests that exercise the limits give nodes their own 127.x addresses. Default false.
   */
  public static final String LIMIT_LOOPBACK = "weft.kademlia.limit-loopback";
  /**
   * Requests a second one IP address may make of this node (burst twice that); more are dropped unanswered and counted
   * ({@code refused.rate.ip}). Default 100.
   */
  public static final String REQUESTS_PER_IP = "weft.kademlia.requests-per-ip";
  /** Largest value, as UTF-8 JSON. Default 64KiB. */
  public static final String MAX_VALUE_BYTES = "weft.storage.max-value-bytes";
  /**
   * Records this node holds at most: when full, peers' STOREs of keys it does not hold are refused (nothing is evicted)
   * while updates and deletes of held keys still pass; its own writes count but are never refused. Default 1000000.
   */
  public static final String MAX_RECORDS = "weft.storage.max-records";
  /**
   * New keys one IP address may store on this node per hour (burst: the hour's worth at once); more are refused and
   * counted ({@code refused.store.ip-quota}). Same loopback rule as the other per-IP limits. Default 10000.
   */
  public static final String NEW_RECORDS_PER_IP = "weft.storage.new-records-per-ip-hour";
  /** Leading bits of a record id taken from its namespace's hash (0..160). Default 2; see docs/storage.md. */
  public static final String NAMESPACE_BITS = "weft.storage.namespace-bits";
}
