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
  private final EmbeddedDht net = new EmbeddedDht(1);
  private final EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty());
  private final EmbeddedPeer b = net.addPeer(id("50"), WeftConfig.empty());
  private final Pht pa = (Pht) a.start(new PhtProvider());

  PhtWireTest() {
    b.start(new PhtProvider());
  }

  @Test
  void requestsAndAnswersKeepTheirForm() throws Exception {
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
        "a0>50 pht {\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\"} -> {\"closer\":\"a0"
            + "0".repeat(38) + "\",\"addrs\":[\"mem://peer-a0000000:1\"]}",
        "50>a0 pht {\"op\":\"freeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"refused\":true}",
        "50>a0 pht {\"op\":\"unfreeze\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"drop\",\"ix\":\"ix\",\"p\":\"0\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"ix\",\"k\":5,\"v\":{\"k\":5},\"p\":\"\",\"force\":true} -> {\"retry\":\"internal\"}");
    // Whether a merge is taken depends on the order keepers finish in; its request's form does not.
    assertThat(net.transcript()).anyMatch(l -> l.matches("\\S+ pht \\{\"op\":\"merge\",\"ix\":\"ix\",\"p\":\"[01]*\"\\} -> .*"));
    assertThat(net.transcript()).anyMatch(l -> l.matches("\\S+ pht \\{\"op\":\"freeze\",\"ix\":\"ix\",\"p\":\"[01]+\"\\} -> "
        + "(\\{\"e\":\\[.*\\]\\}|\\{\"refused\":true\\})"));
  }

  @Test
  void answersOfALeafAndRefusalsOfMalformedRequestsKeepTheirForm() throws Exception {
    net.await(pa.create("iy", KeyType.LONG, 8, 8));
    net.await(pa.create("is", KeyType.STRING, 8, 4));
    net.clearExchanges();
    // Forced, so the root leaf's keeper need not be the receiver; storage is shared.
    for (String body : new String[] {
        "{\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":7},\"p\":\"\",\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":7},\"p\":\"\",\"force\":true}",
        "{\"op\":\"remove\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":8},\"p\":\"\",\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"iy\",\"k\":9,\"v\":null,\"p\":\"1\",\"force\":true}",
        "{\"op\":\"merge\",\"ix\":\"iy\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"child\",\"ix\":\"iy\",\"p\":\"0\",\"e\":[],\"force\":true}",
        "{\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"shape\",\"ix\":\"iy\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"create\",\"ix\":\"iy\",\"type\":\"POINT\",\"b\":4,\"strlen\":0,\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"is\",\"k\":\"ab\",\"v\":1,\"p\":\"\",\"force\":true}",
        "{\"op\":\"bogus\",\"ix\":\"iy\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"012\",\"force\":true}",
        "{\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"" + "0".repeat(65) + "\",\"force\":true}",
        "{\"op\":\"finish\",\"ix\":\"no/such\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"finish\",\"ix\":\"nosuch\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"p\":\"\",\"force\":true}",
        "{\"op\":\"insert\",\"ix\":\"iy\",\"k\":\"x\",\"v\":1,\"p\":\"\",\"force\":true}",
        "{\"op\":\"remove\",\"ix\":\"iy\",\"p\":\"\",\"force\":true}",
        "{\"op\":\"child\",\"ix\":\"iy\",\"p\":\"0\",\"e\":[[1]],\"force\":true}",
        "{\"op\":\"create\",\"ix\":\"iz\",\"type\":\"LONG\",\"b\":1,\"strlen\":0,\"force\":true}",
        "{\"op\":\"create\",\"ix\":\"iz\",\"type\":\"NUMBER\",\"b\":4,\"strlen\":0,\"force\":true}"}) {
      net.await(b.request(a.self(), "pht", JSON.readTree(body)).handle((r, e) -> null));
    }
    assertThat(net.transcript()).containsExactly(
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":7},\"p\":\"\",\"force\":true} -> {\"added\":true}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":7},\"p\":\"\",\"force\":true} -> {\"added\":false}",
        "50>a0 pht {\"op\":\"remove\",\"ix\":\"iy\",\"k\":7,\"v\":{\"k\":8},\"p\":\"\",\"force\":true} -> {\"removed\":0}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"iy\",\"k\":9,\"v\":null,\"p\":\"1\",\"force\":true} -> {\"retry\":\"absent\"}",
        "50>a0 pht {\"op\":\"merge\",\"ix\":\"iy\",\"p\":\"\",\"force\":true} -> {\"merged\":false}",
        "50>a0 pht {\"op\":\"child\",\"ix\":\"iy\",\"p\":\"0\",\"e\":[],\"force\":true} -> {\"ok\":true,\"stale\":true}",
        "50>a0 pht {\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"shape\",\"ix\":\"iy\",\"p\":\"\",\"force\":true} -> {\"ok\":true}",
        "50>a0 pht {\"op\":\"create\",\"ix\":\"iy\",\"type\":\"POINT\",\"b\":4,\"strlen\":0,\"force\":true} -> {\"type\":\"LONG\",\"b\":8,\"d\":64,\"strlen\":0}",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"is\",\"k\":\"ab\",\"v\":1,\"p\":\"\",\"force\":true} -> {\"added\":true}",
        "50>a0 pht {\"op\":\"bogus\",\"ix\":\"iy\",\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: unknown pht operation 'bogus'",
        "50>a0 pht {\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"012\",\"force\":true} -> FAIL dev.weft.api.WeftException: bad trie prefix '012'",
        "50>a0 pht {\"op\":\"finish\",\"ix\":\"iy\",\"p\":\"" + "0".repeat(65) + "\",\"force\":true} -> FAIL dev.weft.api.WeftException: bad trie prefix '" + "0".repeat(65) + "'",
        "50>a0 pht {\"op\":\"finish\",\"ix\":\"no/such\",\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: bad index name 'no/such': use 1-64 characters of a-z A-Z 0-9 . _ -",
        "50>a0 pht {\"op\":\"finish\",\"ix\":\"nosuch\",\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: no index named 'nosuch': create it first",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"iy\",\"k\":7,\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: an entry needs a value",
        "50>a0 pht {\"op\":\"insert\",\"ix\":\"iy\",\"k\":\"x\",\"v\":1,\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: not a 64-bit integer key: \"x\"",
        "50>a0 pht {\"op\":\"remove\",\"ix\":\"iy\",\"p\":\"\",\"force\":true} -> FAIL dev.weft.api.WeftException: not a 64-bit integer key: ",
        "50>a0 pht {\"op\":\"child\",\"ix\":\"iy\",\"p\":\"0\",\"e\":[[1]],\"force\":true} -> FAIL dev.weft.api.WeftException: an entry must be [key, value]",
        "50>a0 pht {\"op\":\"create\",\"ix\":\"iz\",\"type\":\"LONG\",\"b\":1,\"strlen\":0,\"force\":true} -> FAIL dev.weft.api.WeftException: bad index definition {\"op\":\"create\",\"ix\":\"iz\",\"type\":\"LONG\",\"b\":1,\"strlen\":0,\"force\":true}",
        "50>a0 pht {\"op\":\"create\",\"ix\":\"iz\",\"type\":\"NUMBER\",\"b\":4,\"strlen\":0,\"force\":true} -> FAIL dev.weft.api.WeftException: unknown key type 'NUMBER': use long, string or point");
  }
}
