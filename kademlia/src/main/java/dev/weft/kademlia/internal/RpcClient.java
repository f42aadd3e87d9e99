package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The node's outgoing requests: draws their ids, pads or tokens them, resends on the peer's retransmit time until the
 * deadline, matches answers (retrying once with a TOKEN answer's token) and measures round trips.
 *
 * <p>Called on the node's event loop only (requests, answers, timers all run there): not thread-safe. Futures complete
 * on the loop, with the answer's body, or with {@link TimeoutException} or {@link WeftException}.
 */
final class RpcClient {
  /** What the client needs from the node: where to send, and what it learns from answers and timeouts. */
  interface Peers {
    /** An address of {@code to} a transport can send to, if any. */
    Optional<Address> reachable(Contact to);

    /** Sends one datagram; does nothing once the node is closed. */
    void send(Address to, byte[] bytes);

    /** How long to wait for {@code peer}'s first answer, from its measured round trips, within the bounds. */
    long retransmitMillis(NodeId peer, long minMillis, long maxMillis);

    /** {@code sender} answered: called before the request's future completes; {@code rttMillis} -1 after a resend. */
    void answered(Contact sender, Envelope answer, double rttMillis);

    /** A request to {@code to} went unanswered through all its resends. */
    void timedOut(Contact to);
  }

  /** Tokens peers gave us, remembered for this many recent addresses (a lookup's peers, then its STOREs). */
  private static final int PEER_TOKENS = 128;
  /**
   * Padding of any other request sent without a token: room for a PONG or a TOKEN answer (a small plugin request
   * would otherwise get no answer at all, as it may not be answered with more bytes than it has).
   */
  static final int PING_PAD = 256;
  /**
   * Padding of a FIND_* sent without a token: room for a NODES answer of about a dozen contacts, and still one UDP
   * datagram (1200 bytes with the frame header, as QUIC pads its first packets).
   */
  static final int FIND_PAD = 1150;

  private final NodeId self;
  private final Supplier<List<Address>> addresses;
  private final KademliaConfig cfg;
  private final Scheduler scheduler;
  private final Executor loop;
  private final Codec codec;
  private final Stats stats;
  private final Peers peers;
  /**
   * Request ids are drawn at random per request, not counted: an answer is matched by its id, so an off-path peer
   * that could predict the next id could forge the answer (a poisoned NODES list, a fake "not found").
   */
  private final SecureRandom rids;
  /** In send order, so that failing them all on close runs their callbacks in an order a simulation can repeat. */
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final Map<Address, PeerToken> peerTokens = new LinkedHashMap<>(32, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Address, PeerToken> eldest) {
      return size() > PEER_TOKENS;
    }
  };
  private boolean closed;

  /** A token a peer gave us, and when: one epoch later it may have expired, and is not used. */
  private record PeerToken(long token, long receivedMillis) {}

  private static final class Pending {
    final long rid;
    final Contact to;
    final Address address;
    Envelope envelope;
    byte[] bytes;
    boolean tokenRetried;
    final String type;
    /**
     * A batch (STORE_MANY): its answer waits for the receiver to store every record, so it is not a round trip to
     * time the peer by, and it is given twice the rpc-timeout before each send, not the peer's retransmit time.
     */
    final boolean bulk;
    final CompletableFuture<Message> future = new CompletableFuture<>();
    int attempts;
    long sentNanos;
    /** When the last attempt gives up: (retries + 1) × rpc-timeout after the first send, however early resends go. */
    long deadlineNanos;
    /** Run once, on the loop, when the first send goes unanswered for its retransmit time; may be null. */
    Runnable stalled;
    Scheduler.Cancellable timer;

    Pending(long rid, Contact to, Address address, Envelope envelope, byte[] bytes, String type, Runnable stalled) {
      this.rid = rid;
      this.to = to;
      this.address = address;
      this.envelope = envelope;
      this.bytes = bytes;
      this.type = type;
      this.stalled = stalled;
      this.bulk = envelope.message() instanceof Message.StoreMany;
    }
  }

  RpcClient(NodeId self, Supplier<List<Address>> addresses, KademliaConfig cfg, Scheduler scheduler, Executor loop,
      Codec codec, Stats stats, SecureRandom rids, Peers peers) {
    this.self = self;
    this.addresses = addresses;
    this.cfg = cfg;
    this.scheduler = scheduler;
    this.loop = loop;
    this.codec = codec;
    this.stats = stats;
    this.rids = rids;
    this.peers = peers;
  }

  /**
   * Sends a request and completes with the answer's body, or with {@link TimeoutException} after the retries;
   * {@code statName} (null: the message's own) names it in the statistics; {@code stalled} (may be null) runs if the
   * first send is not answered within its retransmit time: a lookup then asks the next contact instead of waiting out
   * the deadline.
   */
  CompletableFuture<Message> request(Contact to, Message template, String statName, Runnable stalled) {
    Address address = peers.reachable(to).orElse(null);
    if (address == null) {
      return CompletableFuture.failedFuture(new WeftException("no transport for any address of " + to));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new WeftException("node closed"));
    }
    long rid = AddressTokens.fixedWidth(rids.nextLong());
    while (pending.containsKey(rid)) {
      rid = AddressTokens.fixedWidth(rids.nextLong());
    }
    PeerToken known = peerTokens.get(address);
    Long tok = known != null && scheduler.currentTimeMillis() - known.receivedMillis() < AddressTokens.EPOCH_MILLIS
        ? known.token() : null;
    Envelope m = new Envelope(rid, self, addresses.get(), tok, template);
    int padTo = tok != null ? 0
        : template instanceof Message.FindNode || template instanceof Message.FindValue ? FIND_PAD : PING_PAD;
    String type = statName != null ? statName : template.statName();
    Pending p = new Pending(rid, to, address, m, codec.encode(m, padTo), type, stalled);
    pending.put(rid, p);
    stats.sent(type);
    transmit(p);
    return p.future;
  }

  /** Sends {@code m} to {@code to} once, expecting no answer (a one-way plugin message). */
  void sendOneway(Contact to, Message m) {
    peers.reachable(to).ifPresent(a -> {
      byte[] bytes = codec.encode(new Envelope(AddressTokens.fixedWidth(rids.nextLong()), self, addresses.get(), null,
          m));
      stats.sent(m.statName());
      stats.bytesOf(m.statName(), bytes.length);
      peers.send(a, bytes);
    });
  }

  /** An answer arrived from {@code sender}; a late one, or one from someone we did not ask, is ignored. */
  void onAnswer(Contact sender, Envelope m) {
    Pending p = pending.get(m.rid());
    if (p == null || (p.to.id() != null && !p.to.id().equals(self) && !p.to.id().equals(m.from()))) {
      return;
    }
    if (m.tok() != null) {
      peerTokens.put(p.address, new PeerToken(m.tok(), scheduler.currentTimeMillis()));
    }
    if (m.type() == MessageType.TOKEN && !p.tokenRetried) {
      // The peer wants its address token first: ask again, once, with it (same id, no retry used up).
      p.tokenRetried = true;
      p.timer.cancel();
      p.envelope = p.envelope.withTok(m.tok());
      p.bytes = codec.encode(p.envelope);
      p.attempts--;
      transmit(p);
      return;
    }
    pending.remove(m.rid());
    p.timer.cancel();
    double rtt = p.attempts == 1 && !p.bulk ? (scheduler.nanoTime() - p.sentNanos) / 1e6 : -1;
    peers.answered(sender, m, rtt);
    if (m.message() instanceof Message.Token) {
      p.future.completeExceptionally(new WeftException("peer " + m.from().shortHex() + " refused its own token"));
    } else if (m.message() instanceof Message.Error e) {
      p.future.completeExceptionally(new WeftException("peer " + m.from().shortHex() + " answered: " + e.error()));
    } else {
      p.future.complete(m.message());
    }
  }

  /** Fails every request still waiting; later requests fail at once. */
  void close() {
    closed = true;
    for (Pending p : List.copyOf(pending.values())) {
      p.timer.cancel();
      p.future.completeExceptionally(new WeftException("node closed"));
    }
    pending.clear();
  }

  /** Requests waiting for an answer. */
  int inFlight() {
    return pending.size();
  }

  /**
   * Sends (again) and arms the timer. The first send waits the peer's retransmit time (its measured round trips, at
   * least rpc-timeout-min, at most rpc-timeout), so a lost datagram costs about one round trip rather than the whole
   * timeout; the resends share what is left until the deadline, which stays (retries + 1) × rpc-timeout: a peer is
   * declared unresponsive no sooner than with fixed timeouts, so a slow or paused peer is not dropped for being slow.
   */
  private void transmit(Pending p) {
    p.attempts++;
    long now = scheduler.nanoTime();
    p.sentNanos = now;
    stats.bytesOf(p.type, p.bytes.length);
    peers.send(p.address, p.bytes);
    long timeoutMillis = cfg.rpcTimeout().toMillis() * (p.bulk ? 2 : 1);
    long waitMillis;
    if (p.attempts == 1) {
      p.deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(timeoutMillis * (cfg.rpcRetries() + 1));
      waitMillis = cfg.rpcRetries() == 0 || p.to.id() == null || p.bulk ? timeoutMillis
          : peers.retransmitMillis(p.to.id(), cfg.rpcTimeoutMin().toMillis(), timeoutMillis);
    } else {
      int sendsLeft = cfg.rpcRetries() + 2 - p.attempts; // this one included
      waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(p.deadlineNanos - now) / sendsLeft);
    }
    p.timer = scheduler.schedule(() -> loop.execute(() -> timeout(p)), waitMillis, TimeUnit.MILLISECONDS);
  }

  private void timeout(Pending p) {
    if (pending.get(p.rid) != p) {
      return;
    }
    if (p.attempts <= cfg.rpcRetries() && !closed) {
      transmit(p);
      Runnable stalled = p.stalled;
      p.stalled = null;
      if (stalled != null) {
        stalled.run();
      }
      return;
    }
    pending.remove(p.rid);
    stats.timedOut(p.type);
    if (!p.to.id().equals(self)) {
      peers.timedOut(p.to);
    }
    p.future.completeExceptionally(new TimeoutException(p.type + " to " + p.to.id().shortHex() + " at " + p.address
        + " timed out after " + p.attempts + " attempts"));
  }
}
