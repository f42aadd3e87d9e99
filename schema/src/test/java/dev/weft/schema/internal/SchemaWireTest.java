package dev.weft.schema.internal;

import static dev.weft.testkit.EmbeddedDht.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.messaging.internal.MessagingProvider;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Golden: the exact JSON of every schema message (broadcast and anti-entropy) and answer. */
class SchemaWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The transcript, random message ids replaced by {@code ID}. */
  private static List<String> wire(EmbeddedDht net) {
    return net.transcript().stream().map(s -> s.replaceAll("\"id\":\"[0-9a-f]{32}\"", "\"id\":\"ID\"")).toList();
  }

  @Test
  void requestsAndAnswersKeepTheirForm() throws Exception {
    EmbeddedDht net = new EmbeddedDht(1);
    net.advance(Duration.ofMillis(1000));
    EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty());
    a.start(new MessagingProvider());
    Schema sa = a.start(new SchemaProvider()).service(Schema.class).orElseThrow();
    net.await(sa.setGlobal("g1", JSON.readTree("{\"v\":2.5}")));
    EmbeddedPeer b = net.addPeer(id("b0"), WeftConfig.empty());
    net.await(b.state("schema").save("g/g2", GlobalCodec.text(new Global("g2", Optional.of(JSON.readTree("[1]")),
        new Version(5L << 16, 0xb0L << 56)))));
    b.start(new MessagingProvider());
    Schema sb = b.start(new SchemaProvider()).service(Schema.class).orElseThrow();
    net.await(sb.sync());
    net.await(sa.removeGlobal("g1"));
    net.await(sa.setGlobal("g3", JSON.readTree("{\"x\":\"y\"}")));
    net.advance(Duration.ofSeconds(100));
    net.await(b.request(a.self(), "schema", JSON.readTree("{\"op\":\"nope\"}")).handle((r, e) -> null));
    String sums = "A".repeat(522) + "B2twsp8pIF0" + "A".repeat(150) + "=";
    assertThat(wire(net)).containsExactly(
        "b0>a0 schema {\"op\":\"buckets\"} -> {\"root\":\"f062bce11201ee1b823848d6e4541526\",\"sums\":\"" + sums + "\"}",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[13,49],\"have\":{\"g2\":\"50000-b000000000000000\"}} -> {\"e\":[{\"n\":\"g1\","
            + "\"ver\":\"3e80000-a000000000000000\",\"v\":{\"v\":2.5}}],\"want\":[\"g2\"],\"more\":false}",
        "b0>a0 schema {\"op\":\"push\",\"e\":[{\"n\":\"g2\",\"ver\":\"50000-b000000000000000\",\"v\":[1]}]} -> "
            + "{\"applied\":1}",
        "a0>b0 messaging {\"op\":\"bcast\",\"id\":\"ID\",\"ch\":\"schema\",\"msg\":{\"op\":\"set\",\"g\":{\"n\":\"g1\","
            + "\"ver\":\"3ee0000-a000000000000000\",\"d\":true}},\"origin\":\"a000000000000000000000000000000000000000\","
            + "\"limit\":156} -> {\"ok\":true,\"dup\":false}",
        "a0>b0 messaging {\"op\":\"bcast\",\"id\":\"ID\",\"ch\":\"schema\",\"msg\":{\"op\":\"set\",\"g\":{\"n\":\"g3\","
            + "\"ver\":\"3f00000-a000000000000000\",\"v\":{\"x\":\"y\"}}},\"origin\":\"a000000000000000000000000000000000000000\","
            + "\"limit\":156} -> {\"ok\":true,\"dup\":false}",
        "notify a0>b0 schema {\"op\":\"digest\",\"root\":\"a6ca73048680a01c6ee0538f8d2f35cb\"} -> {}",
        "notify b0>a0 schema {\"op\":\"digest\",\"root\":\"a6ca73048680a01c6ee0538f8d2f35cb\"} -> {}",
        "b0>a0 schema {\"op\":\"nope\"} -> FAIL dev.weft.api.WeftException: bad schema request: unknown schema op 'nope'");
  }

  @Test
  void malformedRequestsAreRefusedWithTheirReason() throws Exception {
    EmbeddedDht net = new EmbeddedDht(1);
    EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty());
    a.start(new MessagingProvider());
    Schema sa = a.start(new SchemaProvider()).service(Schema.class).orElseThrow();
    EmbeddedPeer b = net.addPeer(id("b0"), WeftConfig.empty());
    for (String body : new String[] {"{}", "{\"op\":\"pull\",\"bk\":[64],\"have\":{}}",
        "{\"op\":\"pull\",\"bk\":[\"1\"],\"have\":{}}", "{\"op\":\"pull\",\"bk\":[1]}",
        "{\"op\":\"pull\",\"bk\":[1],\"have\":{\"g\":\"x\"}}",
        "{\"op\":\"pull\",\"bk\":[1],\"have\":{\"\":\"50000-b000000000000000\"}}",
        "{\"op\":\"pull\",\"bk\":{\"a\":2},\"have\":{}}",
        "{\"op\":\"push\",\"e\":[{\"n\":\"g4\",\"ver\":\"50000-b000000000000000\",\"v\":1},{\"n\":\"g5\"}]}",
        "{\"op\":\"push\",\"e\":{\"x\":{\"n\":\"g6\",\"ver\":\"50000-b000000000000000\",\"d\":true}}}",
        "{\"op\":\"digest\"}"}) {
      net.await(b.request(a.self(), "schema", JSON.readTree(body)).handle((r, e) -> null));
    }
    assertThat(net.transcript()).containsExactly(
        "b0>a0 schema {} -> FAIL dev.weft.api.WeftException: bad schema request: unknown schema op ''",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[64],\"have\":{}} -> FAIL dev.weft.api.WeftException: bad schema request: bad bucket 64",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[\"1\"],\"have\":{}} -> FAIL dev.weft.api.WeftException: bad schema request: bad bucket \"1\"",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[1]} -> FAIL dev.weft.api.WeftException: bad schema request: bad have list",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[1],\"have\":{\"g\":\"x\"}} -> FAIL dev.weft.api.WeftException: bad schema request: not a version: 'x' (expected <hex timestamp>-<hex writer>)",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":[1],\"have\":{\"\":\"50000-b000000000000000\"}} -> FAIL dev.weft.api.WeftException: bad schema request: bad global name '': use 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter, digit or _",
        "b0>a0 schema {\"op\":\"pull\",\"bk\":{\"a\":2},\"have\":{}} -> {\"e\":[],\"want\":[],\"more\":false}",
        "b0>a0 schema {\"op\":\"push\",\"e\":[{\"n\":\"g4\",\"ver\":\"50000-b000000000000000\",\"v\":1},{\"n\":\"g5\"}]} -> FAIL dev.weft.api.WeftException: bad schema request: global g5 has no version",
        "b0>a0 schema {\"op\":\"push\",\"e\":{\"x\":{\"n\":\"g6\",\"ver\":\"50000-b000000000000000\",\"d\":true}}} -> {\"applied\":1}",
        "b0>a0 schema {\"op\":\"digest\"} -> {}",
        "a0>b0 schema {\"op\":\"buckets\"} -> FAIL null");
    // A push applies the globals before a malformed one; a digest without a root differs from every root.
    assertThat(sa.getGlobal("g4")).isPresent();
  }
}
