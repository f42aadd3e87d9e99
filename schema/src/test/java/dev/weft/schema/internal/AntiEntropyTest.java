package dev.weft.schema.internal;

import static dev.weft.testkit.EmbeddedDht.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.messaging.internal.MessagingProvider;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One anti-entropy exchange between two peers that missed each other's broadcasts, in virtual time. */
class AntiEntropyTest {
  private static void saved(EmbeddedDht net, EmbeddedPeer p, String name, long millis, String text) {
    Global g = new Global(name, Optional.of(JsonNodeFactory.instance.textNode(text)),
        new Version(millis << 16, p.id().hashCode()));
    net.await(p.state("schema").save(GlobalState.STATE_PREFIX + name, GlobalCodec.text(g)));
  }

  private static Schema start(EmbeddedPeer p) {
    p.start(new MessagingProvider());
    return p.start(new SchemaProvider()).service(Schema.class).orElseThrow();
  }

  @Test
  void bothEndsHoldTheNewestOfEitherAfterOneExchange() {
    EmbeddedDht net = new EmbeddedDht(3);
    net.advance(java.time.Duration.ofSeconds(10));
    EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty());
    EmbeddedPeer b = net.addPeer(id("b0"), WeftConfig.empty());
    saved(net, a, "only-a", 1, "a");
    saved(net, b, "only-b", 1, "b");
    saved(net, a, "both", 2, "newer on a");
    saved(net, b, "both", 1, "older on b");
    saved(net, a, "other", 1, "older on a");
    saved(net, b, "other", 3, "newer on b");
    Schema sa = start(a);
    Schema sb = start(b);
    assertThat(sa.digest()).isNotEqualTo(sb.digest());
    Schema.SyncResult r = net.await(sa.sync());
    assertThat(r.learned()).isEqualTo(2);
    assertThat(r.taught()).isEqualTo(2);
    net.advance(java.time.Duration.ofMillis(100));
    assertThat(sa.digest()).isEqualTo(sb.digest());
    assertThat(sb.getGlobal("both").orElseThrow().asText()).isEqualTo("newer on a");
    assertThat(sa.getGlobal("other").orElseThrow().asText()).isEqualTo("newer on b");
    assertThat(sb.globals().keySet()).containsExactly("both", "only-a", "only-b", "other");
  }

  @Test
  void equalDigestsEndTheExchangeAfterTheBucketSums() {
    EmbeddedDht net = new EmbeddedDht(4);
    Schema sa = start(net.addPeer(id("a0"), WeftConfig.empty()));
    start(net.addPeer(id("b0"), WeftConfig.empty()));
    net.await(sa.sync());
    assertThat(net.transcript()).singleElement().asString().startsWith("a0>b0 schema {\"op\":\"buckets\"}");
  }
}
