package dev.weft.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counters since the node started. A snapshot: values do not change after it is taken.
 *
 * @param rpcs per RPC type ({@code PING}, {@code STORE}, {@code FIND_NODE}, {@code FIND_VALUE}, plugin channels ...);
 *     {@code TOKEN} counts the writes and plugin requests answered with an address token to ask again with (the
 *     handshake of a first request from a peer, see docs/security.md), which are not counted under their own type
 * @param lookups iterative lookups run by this node
 * @param lookupHops how many lookups needed each number of hops (rounds of requests)
 * @param bytesIn payload bytes received, before reassembly
 * @param bytesOut payload bytes sent
 * @param messagesIn decoded messages received
 * @param messagesOut messages sent
 * @param malformedDropped inbound messages dropped because they could not be decoded or were not acceptable
 * @param refused what a limit refused, by reason (e.g. {@code routing.ip-bound}: a contact kept out of the routing
 *     table because its bucket holds enough from its IP address or subnet; {@code routing.address-taken}: a new id
 *     heard from an address that another id holds; {@code token.store} / {@code token.app}: a write or plugin request
 *     that brought an address token not issued to its source, made up or expired); reasons never seen are absent
 */
public record NodeStats(
    Map<String, Rpc> rpcs,
    long lookups,
    Map<Integer, Long> lookupHops,
    long bytesIn,
    long bytesOut,
    long messagesIn,
    long messagesOut,
    long malformedDropped,
    Map<String, Long> refused) {
  public NodeStats {
    rpcs = Map.copyOf(new TreeMap<>(rpcs));
    lookupHops = Map.copyOf(new TreeMap<>(lookupHops));
    refused = Map.copyOf(new TreeMap<>(refused));
  }

  /** Counters without refusals (nothing refused). */
  public NodeStats(Map<String, Rpc> rpcs, long lookups, Map<Integer, Long> lookupHops, long bytesIn, long bytesOut,
      long messagesIn, long messagesOut, long malformedDropped) {
    this(rpcs, lookups, lookupHops, bytesIn, bytesOut, messagesIn, messagesOut, malformedDropped, Map.of());
  }

  /**
   * Counters for one RPC type.
   *
   * @param sent requests this node sent
   * @param received requests this node received and answered
   * @param timedOut requests this node sent that got no answer in time (after retries)
   * @param bytesOut bytes this node sent for this type: its requests (every attempt) and its answers to peers'
   */
  public record Rpc(long sent, long received, long timedOut, long bytesOut) {}
}
