package dev.weft.kademlia.internal;

import dev.weft.api.NodeStats;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A node's counters; updated from the event loop and transport threads, read as {@link NodeStats} snapshots. */
final class Stats {
  private static final class Rpc {
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
  }

  private final ConcurrentHashMap<String, Rpc> rpcs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> hops = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> refused = new ConcurrentHashMap<>();
  final LongAdder lookups = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LongAdder messagesIn = new LongAdder();
  final LongAdder messagesOut = new LongAdder();
  final LongAdder malformed = new LongAdder();

  private Rpc rpc(String type) {
    return rpcs.computeIfAbsent(type, t -> new Rpc());
  }

  void sent(String type) {
    rpc(type).sent.increment();
  }

  void received(String type) {
    rpc(type).received.increment();
  }

  void timedOut(String type) {
    rpc(type).timedOut.increment();
  }

  /** Bytes this node sent for one RPC type: its requests (each attempt) and its answers to peers' requests. */
  void bytesOf(String type, int bytes) {
    rpc(type).bytesOut.add(bytes);
  }

  /** Something a limit refused; {@code reason} is one of a fixed set of names, so the map stays bounded. */
  void refused(String reason) {
    refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  void lookupDone(int hopCount) {
    lookups.increment();
    hops.computeIfAbsent(hopCount, h -> new LongAdder()).increment();
  }

  long sentOf(String type) {
    Rpc r = rpcs.get(type);
    return r == null ? 0 : r.sent.sum();
  }

  NodeStats snapshot() {
    Map<String, NodeStats.Rpc> r = new HashMap<>();
    rpcs.forEach((k, v) -> r.put(k, new NodeStats.Rpc(v.sent.sum(), v.received.sum(), v.timedOut.sum(),
        v.bytesOut.sum())));
    Map<Integer, Long> h = new HashMap<>();
    hops.forEach((k, v) -> h.put(k, v.sum()));
    Map<String, Long> f = new HashMap<>();
    refused.forEach((k, v) -> f.put(k, v.sum()));
    return new NodeStats(r, lookups.sum(), h, bytesIn.sum(), bytesOut.sum(), messagesIn.sum(), messagesOut.sum(),
        malformed.sum(), f);
  }
}
