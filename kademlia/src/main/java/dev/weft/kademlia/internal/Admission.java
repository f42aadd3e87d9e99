package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.util.TokenBucket;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a peer's request must pass before it is served: the request rate of its source IP, the address token that
 * proves the source is the sender's, and for a STORE of a new key the store's size and the source's hourly new-key
 * quota. The amplification rule (an unverified source never gets more bytes than it sent) is applied by the RPC
 * server with {@link #verified}.
 *
 * <p>Called by the node's RPC server, on the node's event loop only: not thread-safe. Arguments are never null except
 * where a parameter says so.
 */
final class Admission {
  /** Sources remembered per limit: recent ones only (a spoofer cycling addresses gains nothing but a fresh bucket). */
  private static final int SOURCES = 4096;

  private final KademliaConfig cfg;
  private final Scheduler clock;
  private final Stats stats;
  private final AddressTokens tokens;
  private final Map<String, TokenBucket> requestRates = recent();
  /** New keys stored here per source IP, per hour. */
  private final Map<String, TokenBucket> newRecordQuota = recent();

  Admission(KademliaConfig cfg, Scheduler clock, Stats stats, SecureRandom random) {
    this.cfg = cfg;
    this.clock = clock;
    this.stats = stats;
    this.tokens = new AddressTokens(random);
  }

  private static Map<String, TokenBucket> recent() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
        return size() > SOURCES;
      }
    };
  }

  /** Whether one more request from {@code from}'s IP fits its rate (host names and, by default, loopback are free). */
  boolean withinRate(Address from) {
    String ip = IpKeys.countedIp(from, cfg.ipBounds().loopback());
    if (ip == null) {
      return true;
    }
    long now = clock.nanoTime();
    return requestRates.computeIfAbsent(ip, k -> new TokenBucket(cfg.requestsPerIp(), 2.0 * cfg.requestsPerIp(), now))
        .tryTake(now);
  }

  /** Whether {@code token} (null: none was sent) is ours for {@code from}: the source address is the sender's. */
  boolean verified(Address from, Long token) {
    return token != null && tokens.valid(from, token, clock.currentTimeMillis());
  }

  /** The token to hand the peer at {@code to} with our answer. */
  long tokenFor(Address to) {
    return tokens.issue(to, clock.currentTimeMillis());
  }

  /**
   * Admits a STORE of a key not held here: throws (counted as refused) when the store is full at {@code storeSize}
   * records or {@code from}'s IP used up its hourly new-key quota. Nothing is evicted to make room: eviction would let
   * a flooder push out what others stored.
   */
  void admitNewKey(Address from, long storeSize) {
    if (storeSize >= cfg.maxRecords()) {
      stats.refused("store.full");
      throw new WeftException("this node's store is full (" + cfg.maxRecords() + " records)");
    }
    String ip = IpKeys.countedIp(from, cfg.ipBounds().loopback());
    long now = clock.nanoTime();
    if (ip != null && !newRecordQuota.computeIfAbsent(ip, k -> new TokenBucket(
        cfg.newRecordsPerIpHour() / 3600.0, cfg.newRecordsPerIpHour(), now)).tryTake(now)) {
      stats.refused("store.ip-quota");
      throw new WeftException("new-record quota of " + ip + " used up (" + cfg.newRecordsPerIpHour() + " an hour)");
    }
  }
}
