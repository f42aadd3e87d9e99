package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.distribution.config.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real nodes for tests: UDP on 127.0.0.1:0, seeded ids, RPC timeouts generous enough for a busy build machine. Public:
 * the CLI's tests start nodes and APIs with it too.
 */
public final class TestNodes {
  public static final Duration API_TIMEOUT = Duration.ofSeconds(10);

  private TestNodes() {}

  /** A node alone on a free port, its id drawn from {@code seed}. */
  public static Node start(long seed) {
    return start(seed, Map.of());
  }

  /** As {@link #start(long)}, with {@code settings} on top of the test defaults. */
  public static Node start(long seed, Map<String, String> settings) {
    return start(seed, settings, b -> b);
  }

  /** As {@link #start(long, Map)}, the builder first given to {@code customize} (to add a plugin by hand). */
  public static Node start(long seed, Map<String, String> settings, UnaryOperator<NodeBuilder> customize) {
    NodeBuilder builder = Weft.builder()
        .listen("udp://127.0.0.1:0")
        .nodeId(NodeId.random(new Random(seed)))
        .set("weft.kademlia.rpc-timeout", "1s");
    settings.forEach(builder::set);
    return customize.apply(builder).build();
  }

  /** A node joined to {@code bootstrap}. */
  public static Node startJoined(long seed, Node bootstrap) throws Exception {
    return startJoined(seed, Map.of(), bootstrap);
  }

  /** As {@link #startJoined(long, Node)}, with {@code settings} on top of the test defaults. */
  public static Node startJoined(long seed, Map<String, String> settings, Node bootstrap) throws Exception {
    Node node = start(seed, settings);
    try {
      int contacts = node.join(bootstrap.addresses()).get(10, TimeUnit.SECONDS);
      assertThat(contacts).isPositive();
      return node;
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
  }

  /** The HTTP API over {@code node} on a free loopback port. */
  public static HttpApi serve(Node node, int maxRequestBytes) throws Exception {
    return HttpApi.start(node, new HttpApi.Options(new HostPort("127.0.0.1", 0), maxRequestBytes, API_TIMEOUT));
  }

  /** As {@link #serve(Node, int)}, with every request required to carry {@code token}. */
  public static HttpApi serve(Node node, int maxRequestBytes, String token) throws Exception {
    return HttpApi.start(node, new HttpApi.Options(new HostPort("127.0.0.1", 0), maxRequestBytes, API_TIMEOUT)
        .withToken(token));
  }

  /**
   * Two nodes, the second joined through the first (ids from {@code seed} and {@code seed + 1}), each with its API;
   * all of them added to {@code resources} in the order {@link #closeAll} should close them (APIs before nodes).
   *
   * @return the APIs of the first and the second node
   */
  public static List<HttpApi> servedPair(long seed, int maxRequestBytes, List<AutoCloseable> resources)
      throws Exception {
    Node a = start(seed);
    resources.add(a);
    Node b = startJoined(seed + 1, a);
    resources.add(b);
    HttpApi apiA = serve(a, maxRequestBytes);
    resources.add(0, apiA);
    HttpApi apiB = serve(b, maxRequestBytes);
    resources.add(0, apiB);
    return List.of(apiA, apiB);
  }

  /** {@link HttpApi#openStreams()}, which is the HTTP package's own: for the CLI's tests of listen and watch. */
  public static int openStreams(HttpApi api) {
    return api.openStreams();
  }

  public static void closeAll(List<? extends AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }
}
