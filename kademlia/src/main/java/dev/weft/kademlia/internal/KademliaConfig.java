package dev.weft.kademlia.internal;

import static dev.weft.kademlia.KademliaSettings.ALPHA;
import static dev.weft.kademlia.KademliaSettings.LIMIT_LOOPBACK;
import static dev.weft.kademlia.KademliaSettings.K;
import static dev.weft.kademlia.KademliaSettings.MAINTENANCE_INTERVAL;
import static dev.weft.kademlia.KademliaSettings.MAX_FAILURES;
import static dev.weft.kademlia.KademliaSettings.MAX_PER_IP;
import static dev.weft.kademlia.KademliaSettings.MAX_PER_SUBNET;
import static dev.weft.kademlia.KademliaSettings.MAX_RECORDS;
import static dev.weft.kademlia.KademliaSettings.NEW_RECORDS_PER_IP;
import static dev.weft.kademlia.KademliaSettings.MAX_VALUE_BYTES;
import static dev.weft.kademlia.KademliaSettings.NAMESPACE_BITS;
import static dev.weft.kademlia.KademliaSettings.READ_QUORUM;
import static dev.weft.kademlia.KademliaSettings.RECORD_TTL;
import static dev.weft.kademlia.KademliaSettings.REFRESH_INTERVAL;
import static dev.weft.kademlia.KademliaSettings.REPLICATION;
import static dev.weft.kademlia.KademliaSettings.REPUBLISH_INTERVAL;
import static dev.weft.kademlia.KademliaSettings.REQUESTS_PER_IP;
import static dev.weft.kademlia.KademliaSettings.RPC_RETRIES;
import static dev.weft.kademlia.KademliaSettings.RPC_TIMEOUT;
import static dev.weft.kademlia.KademliaSettings.RPC_TIMEOUT_MIN;
import static dev.weft.kademlia.KademliaSettings.SWEEP_INTERVAL;
import static dev.weft.kademlia.KademliaSettings.TOMBSTONE_TTL;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import java.time.Duration;

/** The engine's settings, read and checked once at start. */
record KademliaConfig(
    int k,
    int alpha,
    int replication,
    int readQuorum,
    Duration rpcTimeout,
    Duration rpcTimeoutMin,
    int rpcRetries,
    int maxFailures,
    Duration refreshInterval,
    Duration republishInterval,
    Duration maintenanceInterval,
    Duration recordTtl,
    Duration tombstoneTtl,
    Duration sweepInterval,
    int maxValueBytes,
    int namespaceBits,
    RoutingTable.IpBounds ipBounds,
    int requestsPerIp,
    int maxRecords,
    int newRecordsPerIpHour) {

  /** Namespaces and keys are bounded so every message has a known worst-case size. */
  static final int MAX_NAME_CHARS = 1024;

  static KademliaConfig from(WeftConfig c) {
    int k = c.integer(K, 20, 2, 64);
    int replication = c.integer(REPLICATION, 8, 1, 64);
    if (replication > k) {
      throw new ConfigException("invalid value for " + REPLICATION + ": '" + replication
          + "' (must not exceed " + K + " = " + k + ")");
    }
    Duration rpcTimeout = c.duration(RPC_TIMEOUT, Duration.ofMillis(500));
    // Unset, the floor follows a lowered rpc-timeout; set above it, it is a mistake worth saying.
    Duration rpcTimeoutMin = c.duration(RPC_TIMEOUT_MIN, Duration.ofMillis(150));
    if (rpcTimeoutMin.compareTo(rpcTimeout) > 0) {
      if (c.string(RPC_TIMEOUT_MIN).isPresent()) {
        throw new ConfigException("invalid value for " + RPC_TIMEOUT_MIN + ": '" + c.string(RPC_TIMEOUT_MIN).get()
            + "' (must not exceed " + RPC_TIMEOUT + " = " + c.string(RPC_TIMEOUT, "500ms") + ")");
      }
      rpcTimeoutMin = rpcTimeout;
    }
    return new KademliaConfig(
        k,
        c.integer(ALPHA, 3, 1, 16),
        replication,
        c.integer(READ_QUORUM, Math.min(3, replication), 1, replication),
        rpcTimeout,
        rpcTimeoutMin,
        c.integer(RPC_RETRIES, 1, 0, 5),
        c.integer(MAX_FAILURES, 3, 1, 100),
        c.duration(REFRESH_INTERVAL, Duration.ofHours(1)),
        c.duration(REPUBLISH_INTERVAL, Duration.ofHours(1)),
        c.duration(MAINTENANCE_INTERVAL, Duration.ofMinutes(1)),
        c.duration(RECORD_TTL, Duration.ofHours(24)),
        c.duration(TOMBSTONE_TTL, Duration.ofHours(24)),
        c.duration(SWEEP_INTERVAL, Duration.ofMinutes(1)),
        (int) c.bytes(MAX_VALUE_BYTES, 64 * 1024, 16, 192 * 1024),
        c.integer(NAMESPACE_BITS, 2, 0, 160),
        new RoutingTable.IpBounds(c.integer(MAX_PER_IP, 2, 1, 64), c.integer(MAX_PER_SUBNET, 4, 1, 64),
            c.bool(LIMIT_LOOPBACK, false)),
        c.integer(REQUESTS_PER_IP, 100, 1, 1_000_000),
        c.integer(MAX_RECORDS, 1_000_000, 1, Integer.MAX_VALUE),
        c.integer(NEW_RECORDS_PER_IP, 10_000, 1, Integer.MAX_VALUE));
  }
}
