package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.http.Http;
import dev.weft.distribution.http.TestNodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code weft node} without the process around it: start, join, the printed line, retries and close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class NodeServiceTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    TestNodes.closeAll(resources);
  }

  private NodeService start(String seedHex, List<String> bootstrap) {
    NodeSettings settings = NodeSettings.resolve(new NodeSettings.Options(null,
        Map.of("weft.kademlia.rpc-timeout", "500ms"), "127.0.0.1:0", "127.0.0.1:0", bootstrap, "memory",
        seedHex.repeat(40 / seedHex.length()), null, null), Optional.empty(), Map.of());
    NodeService service = NodeService.start(settings, new PrintWriter(err, true));
    resources.add(0, service);
    return service;
  }

  @Test
  void secondNodeJoinsTheFirstAndDescribesItself() throws Exception {
    NodeService first = start("a1", List.of());
    assertThat(first.join()).isZero();
    NodeService second = start("b2", List.of(first.node().addresses().get(0).toString()));
    assertThat(second.join()).isEqualTo(1);

    ObjectNode line = second.describe(1);
    assertThat(line.get("id").asText()).isEqualTo("b2".repeat(20));
    assertThat(line.get("addresses").get(0).asText()).startsWith("udp://127.0.0.1:")
        .doesNotEndWith(":0");
    assertThat(line.get("api").asText()).isEqualTo(second.http().uri().toString()).startsWith("http://127.0.0.1:");
    assertThat(line.get("contacts").asInt()).isEqualTo(1);
    assertThat(line.get("version").asText()).isNotBlank();
    assertThat(err.toString()).isEmpty();

    Http http = new Http(first.http().uri());
    assertThat(http.get("/v1/info").json().get("contacts").asInt()).isEqualTo(1);
  }

  @Test
  void unreachableBootstrapWarnsAndKeepsRunningAlone() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // A bound socket nobody reads from: requests to it vanish, as to a node that is down.
      NodeService node = start("c3", List.of("udp://127.0.0.1:" + silent.getLocalPort()));
      assertThat(node.join()).isZero();
      assertThat(err.toString()).contains("warning: could not join the network through [udp://127.0.0.1:"
          + silent.getLocalPort() + "]").contains("running alone and retrying in 5 s");
      assertThat(new Http(node.http().uri()).put("/v1/objects/alone/k", "1").status()).isEqualTo(200);
    }
  }

  @Test
  void nodeRunningAloneIsFoundByTheNextNodeToJoinIt() throws Exception {
    NodeService lonely;
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      lonely = start("d4", List.of("udp://127.0.0.1:" + silent.getLocalPort()));
      assertThat(lonely.join()).isZero();
    }
    NodeService friend = start("e5", List.of(lonely.node().addresses().get(0).toString()));
    assertThat(friend.join()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> lonely.node().info().contacts() == 1);
  }

  @Test
  void closeStopsApiAndNodeAndIsIdempotent() throws Exception {
    NodeService service = start("f6", List.of());
    Http http = new Http(service.http().uri());
    assertThat(http.get("/v1/info").status()).isEqualTo(200);
    service.close();
    service.close();
    assertThatThrownBy(() -> http.get("/v1/info")).as("the API no longer listens").isInstanceOf(IOException.class);
    service.awaitClosed();
  }
}
