package dev.weft.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Storage;
import dev.weft.api.WeftConfig;
import dev.weft.sim.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A network of plugin hosts in one thread and in virtual time, without sockets or a Kademlia node: the plugins'
 * counterpart of Netty's {@code EmbeddedChannel}. Each {@link EmbeddedPeer} is a {@link dev.weft.api.spi.plugin.Dht}
 * and gives a {@link dev.weft.api.spi.plugin.PluginContext}; requests between peers go through JSON bytes (as on the
 * wire) and a {@link ManualScheduler}, and every exchange is logged, so a test can pin a plugin's messages exactly.
 *
 * <pre>{@code
 * EmbeddedDht net = new EmbeddedDht(42);
 * EmbeddedPeer a = net.addPeer();
 * EmbeddedPeer b = net.addPeer();
 * Plugin pa = a.start(new MessagingProvider());
 * Plugin pb = b.start(new MessagingProvider());
 * net.await(pa.service(Messaging.class).get().sendNode(b.id(), payload));
 * net.exchanges();   // what went over the wire, as JSON text
 * }</pre>
 *
 * <h2>Model</h2>
 * Every peer knows every other peer added to the network (a full routing table); a lookup answers the k closest live
 * peers. A {@linkplain EmbeddedPeer#stop() stopped} peer stays in the others' tables but takes no requests: they
 * time out after {@link #TIMEOUT}. Each hop takes {@link #HOP} of virtual time. Storage is one map for the whole network
 * (every replica agrees at once).
 *
 * <h2>Threads</h2>
 * Single-threaded: everything, handlers and completions included, runs on the thread that calls {@link #advance} or
 * {@link #await}. Nothing runs between those calls.
 */
public final class EmbeddedDht {
  /** Virtual time a message takes from one peer to another. */
  public static final Duration HOP = Duration.ofMillis(1);
  /** Virtual time after which a request to a stopped peer fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Contacts a lookup answers. */
  public static final int K = 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Random random;
  private final List<EmbeddedPeer> peers = new ArrayList<>();
  private final List<Exchange> exchanges = new ArrayList<>();
  private final Map<String, MemoryStorage.Entry> records = MemoryStorage.newMap();

  /**
   * One request or notification between peers, as JSON text.
   *
   * @param answer the answer's text; null for a notification, or when the request failed or was not answered
   * @param failure why the request failed; null when it did not
   */
  public record Exchange(NodeId from, NodeId to, String channel, String request, String answer, String failure,
      boolean notification) {
    /**
     * One line for golden tests: {@code [notify ]from>to channel request -> answer}, ids cut to their first {@code
     * idDigits} hex digits, a failure as {@code FAIL <exception>}.
     */
    public String line(int idDigits) {
      return (notification ? "notify " : "") + from.toHex().substring(0, idDigits) + ">"
          + to.toHex().substring(0, idDigits) + " " + channel + " " + request + " -> "
          + (answer != null ? answer : "FAIL " + failure);
    }
  }

  /** An id that starts with the hex digits {@code prefix} and goes on with zeros: readable in golden tests. */
  public static NodeId id(String prefix) {
    return NodeId.fromHex((prefix + "0".repeat(NodeId.BITS / 4)).substring(0, NodeId.BITS / 4));
  }

  /** {@link #exchanges()} as {@link Exchange#line} of two digits each. */
  public List<String> transcript() {
    return exchanges().stream().map(x -> x.line(2)).toList();
  }

  /** A network whose peer ids are drawn from {@code seed}. */
  public EmbeddedDht(long seed) {
    this.random = new Random(seed);
  }

  /** The virtual clock every peer shares. */
  public ManualScheduler scheduler() {
    return scheduler;
  }

  /** Adds a peer with a random id (from the seed), using {@code config} for its plugins. */
  public EmbeddedPeer addPeer(WeftConfig config) {
    return addPeer(NodeId.random(random), config);
  }

  /** Adds a peer with a random id and an empty configuration (every setting at its default). */
  public EmbeddedPeer addPeer() {
    return addPeer(WeftConfig.empty());
  }

  /** Adds a peer with id {@code id}. */
  public EmbeddedPeer addPeer(NodeId id, WeftConfig config) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(config, "config");
    Contact self = new Contact(id, List.of(Address.parse("mem://peer-" + id.shortHex() + ":1")));
    EmbeddedPeer p = new EmbeddedPeer(this, self, config);
    peers.add(p);
    return p;
  }

  /** Every peer added, in the order they were. */
  public List<EmbeddedPeer> peers() {
    return Collections.unmodifiableList(peers);
  }

  /** Every exchange so far, oldest first. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Forgets the exchanges logged so far. */
  public void clearExchanges() {
    exchanges.clear();
  }

  /** Moves virtual time forward by {@code step}, running whatever falls due. */
  public void advance(Duration step) {
    scheduler.advance(step);
  }

  /**
   * Runs virtual time until {@code future} is done, at most one virtual minute, and returns its value.
   *
   * @throws AssertionError when it failed (with the cause) or did not finish
   */
  public <T> T await(CompletableFuture<T> future) {
    for (int i = 0; i < 60_000 && !future.isDone(); i++) {
      scheduler.advance(HOP);
    }
    if (!future.isDone()) {
      throw new AssertionError("not done after one virtual minute");
    }
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs virtual time until {@code future} is done and returns why it failed. */
  public Throwable failureOf(CompletableFuture<?> future) {
    for (int i = 0; i < 60_000 && !future.isDone(); i++) {
      scheduler.advance(HOP);
    }
    try {
      Object value = future.getNow(null);
      throw new AssertionError("expected a failure, got " + value);
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  MemoryStorage storageFor(EmbeddedPeer peer) {
    return new MemoryStorage(records, scheduler, peer.versions());
  }

  /** Live peers other than {@code self}, each once. */
  List<EmbeddedPeer> others(EmbeddedPeer self) {
    List<EmbeddedPeer> out = new ArrayList<>(peers);
    out.remove(self);
    return out;
  }

  Optional<EmbeddedPeer> peer(NodeId id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** Carries {@code body} from {@code from} to {@code to} and its answer back, through bytes and the scheduler. */
  CompletableFuture<JsonNode> carry(EmbeddedPeer from, Contact to, String channel, JsonNode body, boolean notify) {
    byte[] request = bytes(body);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    Exchange[] logged = new Exchange[1];
    synchronized (exchanges) {
      logged[0] = new Exchange(from.id(), to.id(), channel, text(request), null, null, notify);
      exchanges.add(logged[0]);
    }
    int at = exchanges.size() - 1;
    Optional<EmbeddedPeer> target = peer(to.id()).filter(EmbeddedPeer::running);
    if (target.isEmpty()) {
      scheduler.schedule(() -> fail(answer, at, new TimeoutException("no answer from " + to.id().shortHex())),
          TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return answer;
    }
    scheduler.schedule(() -> target.get().receive(from.self(), channel, parse(request)).whenComplete((a, e) -> {
      if (e != null) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e;
        scheduler.schedule(() -> fail(answer, at, new dev.weft.api.WeftException(String.valueOf(cause.getMessage()))),
            HOP.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      byte[] reply = bytes(a);
      synchronized (exchanges) {
        Exchange x = exchanges.get(at);
        exchanges.set(at, new Exchange(x.from(), x.to(), x.channel(), x.request(), text(reply), null, notify));
      }
      scheduler.schedule(() -> answer.complete(parse(reply)), HOP.toMillis(), TimeUnit.MILLISECONDS);
    }), HOP.toMillis(), TimeUnit.MILLISECONDS);
    return answer;
  }

  private void fail(CompletableFuture<JsonNode> answer, int at, Throwable why) {
    synchronized (exchanges) {
      Exchange x = exchanges.get(at);
      exchanges.set(at, new Exchange(x.from(), x.to(), x.channel(), x.request(), null, why.toString(),
          x.notification()));
    }
    answer.completeExceptionally(why);
  }

  private static byte[] bytes(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
