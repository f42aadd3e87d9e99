package dev.weft.benchmarks;

import static dev.weft.benchmarks.ClusterBenchmark.intArg;
import static dev.weft.benchmarks.ClusterBenchmark.pct;
import static dev.weft.benchmarks.ClusterBenchmark.strArg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Browser clients of super-nodes, speaking the gateway's protocol (what {@code weft.js} sends) from JDK WebSocket
 * clients: latency of a message from a client on one super-node to a client on another, of a client's get, and how
 * many clients one super-node holds while each sends a request a second, with its memory per client.
 *
 * <pre>benchmarks/run.sh GatewayBenchmark --nodes 3 --clients 5000 --seconds 60 [--op info|sendNode]</pre>
 *
 * The super-nodes run as separate processes ({@link BenchNode} with {@code -Dbench.ws=true}), so that the memory
 * measured is theirs alone.
 */
public final class GatewayBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GatewayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = intArg(args, "--nodes", 3);
    int clients = intArg(args, "--clients", 5000);
    int seconds = intArg(args, "--seconds", 60);
    int samples = intArg(args, "--samples", 300);
    String op = strArg(args, "--op", "info");
    String nodeOpts = strArg(args, "--node-jvm-opts", "-XX:+UseSerialGC -Xmx512m -Xss256k");
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    try (NodeProcesses net = new NodeProcesses(nodes, nodeOpts + " -Dbench.ws=true")) {
      List<URI> endpoints = new ArrayList<>();
      for (Address a : net.webSockets) {
        endpoints.add(URI.create("ws://" + a.host() + ":" + a.port() + "/client"));
      }
      System.out.printf("%d super-nodes up in %.1f s%n", nodes, net.startSeconds);

      // Latency: a client on node 0 sends to a client on node 1; a get from a client.
      Client a = Client.open(http, endpoints.get(0)).get(30, TimeUnit.SECONDS);
      Client b = Client.open(http, endpoints.get(1 % nodes)).get(30, TimeUnit.SECONDS);
      ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      b.onEvent = e -> {
        Long t0 = sentAt.remove(e.path("message").path("n").asLong(-1));
        if (t0 != null) {
          latencies.add(System.nanoTime() - t0);
        }
      };
      for (int i = 0; i < samples; i++) {
        sentAt.put((long) i, System.nanoTime());
        ObjectNode m = JSON.createObjectNode().put("n", i);
        a.request(JSON.createObjectNode().put("op", "sendNode").put("to", b.id).set("message", m))
            .get(30, TimeUnit.SECONDS);
        Thread.sleep(40); // under the gateway's 50 requests a second per client
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (latencies.size() < samples && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long[] msg = latencies.stream().mapToLong(Long::longValue).toArray();
      a.request(JSON.createObjectNode().put("op", "put").put("namespace", "bench").put("key", "k")
          .put("value", "v")).get(30, TimeUnit.SECONDS);
      long[] gets = new long[samples];
      for (int i = 0; i < samples; i++) {
        long t0 = System.nanoTime();
        b.request(JSON.createObjectNode().put("op", "get").put("namespace", "bench").put("key", "k"))
            .get(30, TimeUnit.SECONDS);
        gets[i] = System.nanoTime() - t0;
        Thread.sleep(40);
      }
      System.out.printf("client → client through two super-nodes: %d of %d arrived, p50 %.2f ms, p99 %.2f ms%n",
          msg.length, samples, pct(msg, 50), pct(msg, 99));
      System.out.printf("client get (from the other super-node's client): p50 %.2f ms, p99 %.2f ms%n",
          pct(gets, 50), pct(gets, 99));

      // Scale: clients on node 0, each sending one request a second.
      long pid = net.pids.get(0);
      long rssBefore = NodeProcesses.rssKib(pid);
      List<Client> crowd = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < clients; i += 200) {
        List<CompletableFuture<Client>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(clients, i + 200); j++) {
          batch.add(Client.open(http, endpoints.get(0)));
        }
        for (CompletableFuture<Client> f : batch) {
          crowd.add(f.get(60, TimeUnit.SECONDS));
        }
      }
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      long rssConnected = NodeProcesses.rssKib(pid);
      System.out.printf("%d clients connected to one super-node in %.1f s; its RSS %d → %d MiB (%.1f KiB per client)%n",
          crowd.size(), connectSeconds, rssBefore / 1024, rssConnected / 1024,
          (rssConnected - rssBefore) / (double) crowd.size());
      ConcurrentLinkedQueue<Long> answers = new ConcurrentLinkedQueue<>();
      AtomicLong failed = new AtomicLong();
      Random random = new Random(1);
      List<java.util.concurrent.ScheduledFuture<?>> tickers = new ArrayList<>();
      for (Client c : crowd) {
        String target = crowd.get(random.nextInt(crowd.size())).id;
        tickers.add(timer.scheduleAtFixedRate(() -> {
          long s = System.nanoTime();
          ObjectNode req = op.equals("sendNode")
              ? JSON.createObjectNode().put("op", "sendNode").put("to", target)
                  .set("message", JSON.createObjectNode().put("n", 1))
              : JSON.createObjectNode().put("op", "info");
          c.request(req).whenComplete((r, e) -> {
            if (e == null) {
              answers.add(System.nanoTime() - s);
            } else {
              failed.incrementAndGet();
            }
          });
        }, random.nextInt(1000), 1000, TimeUnit.MILLISECONDS));
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      tickers.forEach(t -> t.cancel(false));
      Thread.sleep(2000);
      long[] lat = answers.stream().mapToLong(Long::longValue).toArray();
      long closed = crowd.stream().filter(c -> c.closed).count();
      System.out.printf("%d clients × 1 %s/s for %d s: %d answered (%.0f/s), %d failed, %d connections closed;"
          + " answer p50 %.2f ms, p99 %.2f ms; super-node RSS %d MiB%n", crowd.size(), op, seconds, lat.length,
          lat.length / (double) seconds, failed.get(), closed, pct(lat, 50), pct(lat, 99),
          NodeProcesses.rssKib(pid) / 1024);
      for (Client c : crowd) {
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      }
    } finally {
      timer.shutdownNow();
    }
    System.exit(0);
  }

  /** One client connection: requests with ids, answers matched to them, events to {@link #onEvent}. */
  static final class Client implements WebSocket.Listener {
    WebSocket ws;
    volatile String id;
    volatile boolean closed;
    volatile Consumer<JsonNode> onEvent = e -> { };
    private final CompletableFuture<Client> hello = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong rids = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    static CompletableFuture<Client> open(HttpClient http, URI uri) {
      Client c = new Client();
      http.newWebSocketBuilder().buildAsync(uri, c).whenComplete((w, e) -> {
        if (e != null) {
          c.hello.completeExceptionally(e);
        }
      });
      return c.hello;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      ws = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode m = JSON.readTree(text);
          switch (m.path("t").asText()) {
            case "hello":
              id = m.path("id").asText();
              hello.complete(this);
              break;
            case "res": {
              CompletableFuture<JsonNode> f = pending.remove(m.path("rid").asLong());
              if (f != null) {
                if (m.path("ok").asBoolean()) {
                  f.complete(m.path("result"));
                } else {
                  f.completeExceptionally(new IllegalStateException(m.path("error").toString()));
                }
              }
              break;
            }
            default:
              onEvent.accept(m);
          }
        } catch (Exception e) {
          // Not JSON: counted as a failure of whatever was waiting.
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      hello.completeExceptionally(new IllegalStateException("closed: " + statusCode + " " + reason));
      pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
      hello.completeExceptionally(error);
      pending.values().forEach(f -> f.completeExceptionally(error));
    }

    CompletableFuture<JsonNode> request(ObjectNode body) {
      long rid = rids.incrementAndGet();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(rid, answer);
      String text = body.put("t", "req").put("rid", rid).toString();
      synchronized (this) {
        // One send at a time per WebSocket (the JDK client refuses overlapping sends).
        sending = sending.handle((v, e) -> null).thenCompose(v -> ws.sendText(text, true));
      }
      return answer;
    }
  }
}
