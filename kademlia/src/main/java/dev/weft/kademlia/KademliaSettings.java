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
  /** Time to wait for one answer. Default 500ms. */
  public static final String RPC_TIMEOUT = "weft.kademlia.rpc-timeout";
  /** Resends after a timeout. Default 1. */
  public static final String RPC_RETRIES = "weft.kademlia.rpc-retries";
  /** Consecutive timeouts after which a contact is dropped from the routing table. Default 3. */
  public static final String MAX_FAILURES = "weft.kademlia.max-failures";
  /** How long a bucket may go without a lookup before it is refreshed. Default 1h. */
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
  /** Largest value, as UTF-8 JSON. Default 64KiB. */
  public static final String MAX_VALUE_BYTES = "weft.storage.max-value-bytes";
  /** Leading bits of a record id taken from its namespace's hash (0..160). Default 2; see docs/storage.md. */
  public static final String NAMESPACE_BITS = "weft.storage.namespace-bits";
}
