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
import static dev.weft.api.CoreSettings.MAX_VALUE_BYTES;
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
import static dev.weft.kademlia.KademliaSettings.WRITE_QUORUM;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import java.time.Duration;

/** The engine's settings, read and checked once at start. */
record KademliaConfig(
    int k,
    int alpha,
    int replication,
    int readQuorum,
    int writeQuorum,
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
    int k = c.get(K);
    int replication = c.get(REPLICATION);
    if (replication > k) {
      throw new ConfigException("invalid value for " + REPLICATION + ": '" + replication
          + "' (must not exceed " + K + " = " + k + ")");
    }
    int readQuorum = c.find(READ_QUORUM).orElse(Math.min(READ_QUORUM.defaultValue().orElseThrow(), replication));
    if (readQuorum > replication) {
      throw new ConfigException("invalid value for " + READ_QUORUM + ": '" + readQuorum
          + "' (must not exceed " + REPLICATION + " = " + replication + ")");
    }
    int writeQuorum = c.find(WRITE_QUORUM).orElse(replication - readQuorum + 1);
    if (writeQuorum > replication) {
      throw new ConfigException("invalid value for " + WRITE_QUORUM + ": '" + writeQuorum
          + "' (must not exceed " + REPLICATION + " = " + replication + ")");
    }
    Duration rpcTimeout = c.get(RPC_TIMEOUT);
    // Unset, the floor follows a lowered rpc-timeout; set above it, it is a mistake worth saying.
    Duration rpcTimeoutMin = c.get(RPC_TIMEOUT_MIN);
    if (rpcTimeoutMin.compareTo(rpcTimeout) > 0) {
      if (c.string(RPC_TIMEOUT_MIN.key()).isPresent()) {
        throw new ConfigException("invalid value for " + RPC_TIMEOUT_MIN + ": '" + c.string(RPC_TIMEOUT_MIN.key()).get()
            + "' (must not exceed " + RPC_TIMEOUT + " = " + c.string(RPC_TIMEOUT.key(), RPC_TIMEOUT.defaultText())
            + ")");
      }
      rpcTimeoutMin = rpcTimeout;
    }
    return new KademliaConfig(
        k,
        c.get(ALPHA),
        replication,
        readQuorum,
        writeQuorum,
        rpcTimeout,
        rpcTimeoutMin,
        c.get(RPC_RETRIES),
        c.get(MAX_FAILURES),
        c.get(REFRESH_INTERVAL),
        c.get(REPUBLISH_INTERVAL),
        c.get(MAINTENANCE_INTERVAL),
        c.get(RECORD_TTL),
        c.get(TOMBSTONE_TTL),
        c.get(SWEEP_INTERVAL),
        (int) (long) c.get(MAX_VALUE_BYTES),
        c.get(NAMESPACE_BITS),
        new RoutingTable.IpBounds(c.get(MAX_PER_IP), c.get(MAX_PER_SUBNET), c.get(LIMIT_LOOPBACK)),
        c.get(REQUESTS_PER_IP),
        c.get(MAX_RECORDS),
        c.get(NEW_RECORDS_PER_IP));
  }
}
