package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.http.Http;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five {@code bin/weft node --storage mapdb} processes: 1,000 objects put, every node killed with SIGKILL, all
 * restarted on their data directories — same ids, every object readable.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class PersistentClusterIT {
  private static final int NODES = 5;
  private static final int OBJECTS = 1000;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  private Tarball tarball;

  @AfterEach
  void stop() throws InterruptedException {
    if (tarball != null) {
      tarball.destroyAll();
    }
  }

  private record Started(Process process, String id, String udp, String api) {}

  private Started start(int i, String udp, String bootstrap, int generation) throws Exception {
    List<String> args = new ArrayList<>(List.of("--storage", "mapdb", "--data", dir.resolve("data-" + i).toString(),
        "--udp", udp, "--api", "127.0.0.1:0", "--set", "weft.kademlia.rpc-timeout=300ms"));
    if (bootstrap != null) {
      args.addAll(List.of("--bootstrap", bootstrap));
    }
    String name = "node" + i + "-" + generation;
    Process p = tarball.node(name, args.toArray(String[]::new));
    JsonNode line = tarball.firstLine(p, name);
    return new Started(p, line.get("id").asText(), line.get("addresses").get(0).asText(), line.get("api").asText());
  }

  private static String path(String ns, String key) {
    return "/v1/objects/" + URLEncoder.encode(ns, StandardCharsets.UTF_8).replace("+", "%20") + "/"
        + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static CompletableFuture<HttpResponse<String>> send(String api, String method, String path, String body) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    HttpRequest r = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
        .method(method, publisher).build();
    return HTTP.sendAsync(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Runs the requests 16 at a time and returns the answers in order. */
  private static List<HttpResponse<String>> all(List<java.util.function.Supplier<CompletableFuture<HttpResponse<String>>>> calls)
      throws Exception {
    List<HttpResponse<String>> out = new ArrayList<>();
    for (int from = 0; from < calls.size(); from += 16) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (var c : calls.subList(from, Math.min(calls.size(), from + 16))) {
        batch.add(c.get());
      }
      for (var f : batch) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
    }
    return out;
  }

  @Test
  void aClusterKilledWithSigkillComesBackWithEverything() throws Exception {
    tarball = Tarball.unpack(dir);
    List<Started> nodes = new ArrayList<>();
    nodes.add(start(0, "127.0.0.1:0", null, 0));
    for (int i = 1; i < NODES; i++) {
      nodes.add(start(i, "127.0.0.1:0", nodes.get(0).udp(), 0));
    }
    Random random = new Random(7);
    List<java.util.function.Supplier<CompletableFuture<HttpResponse<String>>>> puts = new ArrayList<>();
    for (int k = 0; k < OBJECTS; k++) {
      String api = nodes.get(random.nextInt(NODES)).api();
      String p = path("ns" + (k % 10), "key " + k);
      String body = "{\"k\":" + k + ",\"pad\":\"" + "x".repeat(100) + "\"}";
      puts.add(() -> send(api, "PUT", p, body));
    }
    for (HttpResponse<String> r : all(puts)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    for (Started s : nodes) {
      s.process().destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
    }
    for (Started s : nodes) {
      assertThat(s.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(s.process().exitValue()).isEqualTo(137);
    }

    List<Started> again = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      String udp = nodes.get(i).udp().substring("udp://".length());
      again.add(start(i, udp, i == 0 ? null : nodes.get(0).udp(), 1));
      assertThat(again.get(i).id()).as("node %d keeps its id", i).isEqualTo(nodes.get(i).id());
    }
    List<java.util.function.Supplier<CompletableFuture<HttpResponse<String>>>> gets = new ArrayList<>();
    for (int k = 0; k < OBJECTS; k++) {
      String api = again.get(random.nextInt(NODES)).api();
      String p = path("ns" + (k % 10), "key " + k);
      gets.add(() -> send(api, "GET", p, null));
    }
    List<HttpResponse<String>> answers = all(gets);
    for (int k = 0; k < OBJECTS; k++) {
      HttpResponse<String> r = answers.get(k);
      assertThat(r.statusCode()).as("key %d: %s", k, r.body()).isEqualTo(200);
      assertThat(Http.parse(r.body()).get("value").get("k").asInt()).isEqualTo(k);
    }
  }
}
