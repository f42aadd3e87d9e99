package dev.weft.pht.internal;

import static dev.weft.testkit.EmbeddedDht.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.WeftConfig;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import org.junit.jupiter.api.Test;

/** Golden: the exact JSON of the first request of each pht operation and its answer. */
class PhtWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void requestsAndAnswersKeepTheirForm() throws Exception {
    EmbeddedDht net = new EmbeddedDht(1);
    EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty());
    EmbeddedPeer b = net.addPeer(id("50"), WeftConfig.empty());
    Pht pa = (Pht) a.start(new PhtProvider());
    b.start(new PhtProvider());
    net.await(pa.create("ix", KeyType.LONG, 2, 8));
    for (long k = 1; k <= 4; k++) {
      net.await(pa.insert("ix", Key.of(k), JSON.readTree("{\"k\":" + k + "}")));
    }
    for (long k = 1; k <= 4; k++) {
      net.await(pa.remove("ix", Key.of(k)));
    }
    for (String body : new String[] {"{\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\"}",
        "{\"op\":\"freeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true}",
        "{\"op\":\"unfreeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true}",
        "{\"op\":\"drop\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\",\"force\":true}"}) {
      net.await(b.request(a.self(), "pht", JSON.readTree(body)).handle((r, e) -> null));
      net.await(a.request(b.self(), "pht", JSON.readTree(body)).handle((r, e) -> null));
    }
    // Local operations do not show; the ones that went between the two peers, each kind once.
    assertThat(net.transcript()).contains(
        "a0>50 pht {\"op\":\"create\",\"ix\":\"ix\",\"type\":\"LONG\",\"b\":2,\"strlen\":0} -> {\"type\":\"LONG\",\"b\":2,\"d\":64,\"strlen\":0}",
        "a0>50 pht {\"op\":\"child\",\"ix\":\"ix\",\"p\":\"1\",\"e\":[[1,{\"k\":1}],[2,{\"k\":2}],[3,{\"k\":3}]]} -> {\"ok\":true}",
        "a0>50 pht {\"op\":\"finish\",\"ix\":\"ix\",\"p\":\"1\"} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"shape\",\"ix\":\"ix\",\"p\":\"\"} -> {\"ok\":true,\"changed\":true}",
        "a0>50 pht {\"op\":\"remove\",\"ix\":\"ix\",\"k\":1,\"p\":\"1" + "0".repeat(62) + "\"} -> {\"removed\":1}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\"} -> {\"retry\":\"internal\"}",
        "50>a0 pht {\"op\":\"freeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"refused\":true}",
        "50>a0 pht {\"op\":\"unfreeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"drop\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\",\"force\":true} -> {\"retry\":\"internal\"}");
    // Whether a merge is taken depends on the order keepers finish in; its request's form does not.
    assertThat(net.transcript()).anyMatch(l -> l.matches("\\S+ pht \\{\"op\":\"merge\",\"ix\":\"ix\",\"p\":\"[01]*\"\\} -> .*"));
    assertThat(net.transcript()).anyMatch(l -> l.matches("\\S+ pht \\{\"op\":\"freeze\",\"ix\":\"ix\",\"p\":\"[01]+\"\\} -> "
        + "(\\{\"e\":\\[.*\\]\\}|\\{\"refused\":true\\})"));
  }
}
