package dev.weft.kademlia.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.store.StoreResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves peers' requests: admits them ({@link Admission}: rate, token, quota), answers PING, FIND_NODE, FIND_VALUE,
 * STORE and plugin requests, and keeps every answer to an unverified source within the size of its request.
 *
 * <p>Called on the node's event loop only: not thread-safe. Answers are sent on the loop, possibly later.
 */
final class RpcServer {
  private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

  /** What serving needs from the node: its routing table, its store, its plugin channels and its transports. */
  interface Services {
    /** A peer sent us a request: it may enter the routing table. */
    void seen(Contact sender);

    /** Up to {@code count} known contacts closest to {@code target}, closest first. */
    List<Contact> closest(NodeId target, int count);

    /** How many contacts the routing table holds. */
    int contactCount();

    /** Sends one datagram; does nothing once the node is closed. */
    void send(Address to, byte[] bytes);

    /** The handler of a plugin channel, or null when none is registered. */
    Dht.ChannelHandler channel(String name);

    /** The live record held here for the key, completing with null when none. */
    CompletableFuture<Record> findValue(String namespace, String key);

    /** Fails when {@code record} is a forgery (checked before anything else a STORE costs). */
    CompletableFuture<Void> checkSignature(Record record);

    /** Whether a record with {@code record}'s key is held here (then a STORE is an update, not a new key). */
    CompletableFuture<Boolean> holds(Record record);

    /** Records held here. */
    long storeSize();

    /** Stores a peer's record here. */
    CompletableFuture<StoreResult> storeHere(Record record);
  }

  private final NodeId id;
  private final Supplier<List<Address>> addresses;
  private final KademliaConfig cfg;
  private final Executor loop;
  private final Codec codec;
  private final Stats stats;
  private final Admission admission;
  private final Services services;

  RpcServer(NodeId id, Supplier<List<Address>> addresses, KademliaConfig cfg, Executor loop, Codec codec, Stats stats,
      Admission admission, Services services) {
    this.id = id;
    this.addresses = addresses;
    this.cfg = cfg;
    this.loop = loop;
    this.codec = codec;
    this.stats = stats;
    this.admission = admission;
    this.services = services;
  }

  /** A request from {@code sender}, which arrived from {@code from} in {@code wireBytes} bytes. */
  void onRequest(Address from, Contact sender, Envelope m, int wireBytes) {
    if (!admission.withinRate(from)) {
      stats.refused("rate.ip");
      return;
    }
    boolean verified = admission.verified(from, m.tok());
    services.seen(sender);
    // Channel names come from peers: only registered ones get a counter of their own, so the map stays bounded. A
    // request that must first fetch its address token (below) counts as a TOKEN exchange, not as served.
    stats.received(!verified && needsToken(m.message()) ? MessageType.TOKEN.name()
        : !(m.message() instanceof Message.App a) || services.channel(a.channel()) != null ? m.message().statName()
        : "APP:unknown");
    serve(sender, from, m, wireBytes, verified);
  }

  /**
   * Answers a request. {@code verified}: it carried our token for its source address, so that address is the sender's.
   * Writes and plugin requests need that (a forged source could otherwise store in another's name, or make us work for
   * it); lookups are answered either way, but an unverified source never gets more bytes than it sent (no
   * amplification): a NODES answer is cut short, anything else becomes a TOKEN answer to ask again with.
   */
  private void serve(Contact sender, Address from, Envelope m, int wireBytes, boolean verified) {
    Responder r = new Responder(from, m, wireBytes, verified);
    if (!verified && needsToken(m.message())) {
      // Without a token this is the handshake every first request to a node makes: nothing failed. A token that is
      // not ours for this address (made up, another's, or older than two epochs) is a refusal.
      if (m.tok() != null) {
        stats.refused(m.type() == MessageType.APP ? "token.app" : "token.store");
      }
      r.reply(new Message.Token());
      return;
    }
    Message q = m.message();
    if (q instanceof Message.Ping) {
      r.reply(new Message.Pong());
    } else if (q instanceof Message.FindNode f) {
      r.reply(nodes(f.target(), sender));
    } else if (q instanceof Message.FindValue f) {
      services.findValue(f.namespace(), f.key()).whenCompleteAsync((record, error) ->
          r.reply(record != null ? new Message.Value(record) : nodes(f.target(), sender)), loop);
    } else if (q instanceof Message.Store s) {
      services.checkSignature(s.record()).thenCompose(ok -> admitStore(from, s.record()))
          .thenCompose(ok -> services.storeHere(s.record()))
          .whenCompleteAsync((result, error) -> r.reply(error != null ? error(KademliaNode.rootCause(error).getMessage())
              : new Message.Stored(result.accepted(), result.current().version())), loop);
    } else if (q instanceof Message.StoreMany many) {
      serveStoreMany(from, r, many);
    } else if (q instanceof Message.App a) {
      serveApp(sender, r, a);
    } else {
      stats.malformed.increment();
    }
  }

  /** Writes and plugin requests are served only to a source that proved its address with our token. */
  private static boolean needsToken(Message m) {
    return m instanceof Message.Store || m instanceof Message.StoreMany || (m instanceof Message.App a && !a.oneway());
  }

  /**
   * Each record of a batch goes through what a STORE of it would (signature, admission, store) on its own: one that
   * fails does not fail the others, and the answer says, in order, what became of each. Admission runs for the whole
   * batch in one turn of the loop, once the store said which keys it holds.
   */
  private void serveStoreMany(Address from, Responder r, Message.StoreMany many) {
    List<Record> records = many.records();
    List<CompletableFuture<Boolean>> held = new ArrayList<>(records.size());
    for (Record record : records) {
      held.add(services.checkSignature(record).thenCompose(ok -> services.holds(record)));
    }
    CompletableFuture.allOf(held.toArray(new CompletableFuture<?>[0])).handleAsync((ignored, e) -> {
      List<CompletableFuture<Message.StoredMany.Result>> each = new ArrayList<>(records.size());
      // The store's size counts none of this batch's new keys until their writes complete.
      long newKeys = 0;
      for (int i = 0; i < records.size(); i++) {
        Record record = records.get(i);
        CompletableFuture<StoreResult> stored;
        try {
          if (!held.get(i).join()) {
            admission.admitNewKey(from, services.storeSize() + newKeys);
            newKeys++;
          }
          stored = services.storeHere(record);
        } catch (RuntimeException failure) {
          stored = CompletableFuture.failedFuture(failure);
        }
        each.add(stored.handle((result, error) -> error != null
            ? Message.StoredMany.Result.failed(String.valueOf(KademliaNode.rootCause(error).getMessage()))
            : result.accepted() ? new Message.StoredMany.Result(true, Version.ZERO, "")
            : new Message.StoredMany.Result(false, result.current().version(), "")));
      }
      CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).whenCompleteAsync((x, y) -> {
        List<Message.StoredMany.Result> results = new ArrayList<>(each.size());
        for (CompletableFuture<Message.StoredMany.Result> f : each) {
          results.add(f.join());
        }
        r.reply(new Message.StoredMany(results));
      }, loop);
      return null;
    }, loop);
  }

  /**
   * The k closest contacts to {@code target} that {@code requester} can reach: those with an address in a scheme it
   * has one in. In a mixed network a UDP-only node is not handed WebSocket-only contacts, which would take places in
   * its lookup that it cannot use.
   */
  private Message.Nodes nodes(NodeId target, Contact requester) {
    List<Contact> near = services.closest(target, cfg.k() + 1);
    List<Contact> closest = usableBy(requester, near);
    boolean unusable = near.stream().filter(c -> !c.id().equals(requester.id())).count() > closest.size();
    if (unusable && closest.size() < cfg.k() && services.contactCount() > near.size()) {
      // Some were of no use to it: look further.
      closest = usableBy(requester, services.closest(target, 3 * cfg.k()));
    }
    return new Message.Nodes(closest.size() > cfg.k() ? closest.subList(0, cfg.k()) : closest);
  }

  private static List<Contact> usableBy(Contact requester, List<Contact> contacts) {
    java.util.Set<String> schemes = new java.util.HashSet<>();
    requester.addresses().forEach(a -> schemes.add(a.scheme()));
    List<Contact> out = new ArrayList<>(contacts.size());
    for (Contact c : contacts) {
      if (!c.id().equals(requester.id()) && c.addresses().stream().anyMatch(a -> schemes.contains(a.scheme()))) {
        out.add(c);
      }
    }
    return out;
  }

  private static Message.Error error(String text) {
    return new Message.Error(text == null ? "error" : (text.length() > 1000 ? text.substring(0, 1000) : text));
  }

  private void serveApp(Contact sender, Responder r, Message.App m) {
    Dht.ChannelHandler h = services.channel(m.channel());
    if (h == null) {
      if (!m.oneway()) {
        r.reply(error("no handler for channel '" + m.channel() + "'"));
      }
      return;
    }
    CompletableFuture<JsonNode> answer;
    try {
      answer = h.onRequest(sender, m.body());
    } catch (RuntimeException e) {
      LOG.warn("handler of channel {} failed", m.channel(), e);
      answer = CompletableFuture.failedFuture(e);
    }
    if (m.oneway()) {
      return;
    }
    if (answer == null) {
      answer = CompletableFuture.failedFuture(new WeftException("handler returned no answer"));
    }
    answer.whenCompleteAsync((body, error) -> r.reply(error != null || body == null
        ? error(error == null ? "no answer" : String.valueOf(KademliaNode.rootCause(error).getMessage()))
        : new Message.AppReply(body)), loop);
  }

  /** Where and how one request is answered. */
  private final class Responder {
    private final Address to;
    private final Envelope request;
    private final int requestBytes;
    private final boolean verified;

    Responder(Address to, Envelope request, int requestBytes, boolean verified) {
      this.to = to;
      this.request = request;
      this.requestBytes = requestBytes;
      this.verified = verified;
    }

    /** A TOKEN answer goes without our addresses: the asker knows where it sent, and every byte counts there. */
    void reply(Message response) {
      Envelope e = new Envelope(request.rid(), id, response instanceof Message.Token ? List.of() : addresses.get(),
          admission.tokenFor(to), response);
      byte[] bytes = codec.encode(e);
      if (!verified && bytes.length > requestBytes) {
        bytes = withinSize(e, requestBytes);
        if (bytes == null) {
          stats.refused("amplification.dropped");
          return;
        }
        stats.refused("amplification.limited");
      }
      stats.bytesOf(request.message().statName(), bytes.length);
      services.send(to, bytes);
    }

    /**
     * The largest answer that fits in {@code limit} bytes: fewer contacts, else a TOKEN answer, else null. A request
     * that brought a token that is no longer good (the peer's clock, a restart of ours) gets the TOKEN answer rather
     * than a short contact list, so that it asks again with the fresh token instead of taking a lookup step with little.
     */
    private byte[] withinSize(Envelope response, int limit) {
      if (response.message() instanceof Message.Nodes nodes && request.tok() == null) {
        List<Contact> all = nodes.nodes();
        for (int n = all.size() - 1; n >= 0; n--) {
          byte[] bytes = codec.encode(response.withMessage(new Message.Nodes(all.subList(0, n))));
          if (bytes.length <= limit) {
            return bytes;
          }
        }
        return null;
      }
      byte[] bytes = codec.encode(new Envelope(response.rid(), id, List.of(), response.tok(), new Message.Token()));
      return bytes.length <= limit ? bytes : null;
    }
  }

  /**
   * Completes when a peer's STORE may be kept: always for a key held here (an update or delete); for a new key only
   * while the store is under {@code weft.storage.max-records} and the sender's address under its hourly new-key quota.
   * Nothing is evicted to make room: eviction would let a flooder push out what others stored.
   */
  private CompletableFuture<Void> admitStore(Address from, Record record) {
    return services.holds(record).thenAcceptAsync(held -> {
      if (!held) {
        admission.admitNewKey(from, services.storeSize());
      }
    }, loop);
  }
}
