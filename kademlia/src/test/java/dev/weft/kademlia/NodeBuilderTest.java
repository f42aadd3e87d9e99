package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.api.WeftException;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.transport.udp.internal.UdpTransportProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeBuilderTest {
  @Test
  void missingProvidersAreNamedWithTheSetting() {
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").storage("nope").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("weft.storage").hasMessageContaining("'nope'").hasMessageContaining("memory");
    assertThatThrownBy(() -> Weft.builder().listen("ws://127.0.0.1:0/weft").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("weft.listen").hasMessageContaining("no transport for scheme 'ws'");
    assertThatThrownBy(() -> Weft.builder().build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.listen");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set("weft.engine", "chord").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.engine").hasMessageContaining("'chord'");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set("weft.plugins.disabled", "ghost").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("'ghost'");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set("weft.node.id", "xyz").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.node.id");
  }

  @Test
  void invalidEngineSettingsNameTheKey() {
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set(KademliaSettings.K.key(), "many").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.k").hasMessageContaining("'many'");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set(KademliaSettings.REPLICATION.key(), "30").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("must not exceed weft.kademlia.k");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set(KademliaSettings.RPC_TIMEOUT.key(), "-1s").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.rpc-timeout");
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").set(KademliaSettings.RPC_TIMEOUT.key(), "300ms")
        .set(KademliaSettings.RPC_TIMEOUT_MIN.key(), "400ms").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.rpc-timeout-min: '400ms'")
        .hasMessageContaining("must not exceed weft.kademlia.rpc-timeout = 300ms");
    // Unset, the floor follows a lowered rpc-timeout instead of refusing it.
    Weft.builder().listen("udp://127.0.0.1:0").set(KademliaSettings.RPC_TIMEOUT.key(), "100ms").build().close();
  }

  @Test
  void withDiscoveryOffOnlyHandAddedProvidersCount() {
    assertThatThrownBy(() -> Weft.builder().discovery(false).listen("udp://127.0.0.1:0").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("no transport for scheme 'udp'");
    assertThatThrownBy(() -> Weft.builder().discovery(false).addTransport(new UdpTransportProvider())
        .addStore(new MemoryStoreProvider()).listen("udp://127.0.0.1:0").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("no node engine found");
    NodeId id = NodeId.random(new Random(3));
    try (Node n = Weft.builder().discovery(false).addTransport(new UdpTransportProvider())
        .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider())
        .listen("udp://127.0.0.1:0").nodeId(id).build()) {
      assertThat(n.id()).isEqualTo(id);
      assertThat(n.addresses()).singleElement().satisfies(a -> assertThat(a.port()).isPositive());
    }
  }

  @Test
  void aWildcardBindIsListedAsTheAddressesPeersCanDial() {
    try (Node n = Weft.builder().listen("udp://0.0.0.0:0").build()) {
      int port = n.addresses().get(0).port();
      assertThat(port).isPositive();
      assertThat(n.addresses()).noneMatch(a -> a.host().equals("0.0.0.0")).allMatch(a -> a.port() == port)
          .anyMatch(a -> a.host().equals("127.0.0.1"));
      // Loopback last: the addresses other machines can reach come first.
      assertThat(n.addresses().get(n.addresses().size() - 1).host()).startsWith("127.");
      assertThat(n.info().addresses()).isEqualTo(n.addresses());
    }
  }

  @Test
  void aPortInUseIsAClearError() {
    try (Node first = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      String taken = first.addresses().get(0).toString();
      assertThatThrownBy(() -> Weft.builder().listen(taken).build())
          .isInstanceOf(WeftException.class).hasMessageContaining("cannot listen on " + taken);
    }
  }

  /** A plugin with a service of its own and a channel: what messaging, schema and pht are built on. */
  interface Echo {
    CompletableFuture<JsonNode> echo(NodeId to, String text);
  }

  static final class EchoPlugin implements Plugin, Echo {
    final Dht dht;
    final Dht.Registration reg;
    static final List<String> started = new ArrayList<>();

    EchoPlugin(PluginContext ctx) {
      this.dht = ctx.dht();
      this.reg = dht.handle("echo", (from, body) ->
          CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("echo", body.asText())
              .put("by", dht.self().id().toHex()).put("from", from.id().toHex())));
    }

    @Override
    public CompletableFuture<JsonNode> echo(NodeId to, String text) {
      return dht.lookup(to).thenCompose(cs -> dht.request(cs.get(0), "echo", JsonNodeFactory.instance.textNode(text)));
    }

    @Override
    public void close() {
      reg.close();
    }
  }

  static PluginProvider provider(String name, Set<String> deps, java.util.function.Function<PluginContext, Plugin> f) {
    return new PluginProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<String> dependsOn() {
        return deps;
      }

      @Override
      public Plugin create(PluginContext context) {
        EchoPlugin.started.add(name);
        return f.apply(context);
      }
    };
  }

  @Test
  void pluginsStartInDependencyOrderAndTalkOnTheirChannels() throws Exception {
    EchoPlugin.started.clear();
    PluginProvider echo = provider("echo", Set.of(), EchoPlugin::new);
    PluginProvider user = provider("user", Set.of("echo"), ctx -> {
      assertThat(ctx.service(Echo.class)).as("dependency started first").isPresent();
      return () -> { };
    });
    try (Node a = Weft.builder().listen("udp://127.0.0.1:0").addPlugin(user).addPlugin(echo).build();
         Node b = Weft.builder().listen("udp://127.0.0.1:0").addPlugin(user).addPlugin(echo).build()) {
      assertThat(EchoPlugin.started).containsExactly("echo", "user", "echo", "user");
      b.join(a.addresses()).get(10, TimeUnit.SECONDS);
      JsonNode answer = a.service(Echo.class).orElseThrow().echo(b.id(), "hi").get(10, TimeUnit.SECONDS);
      assertThat(answer.get("echo").asText()).isEqualTo("hi");
      assertThat(answer.get("by").asText()).isEqualTo(b.id().toHex());
      assertThat(answer.get("from").asText()).isEqualTo(a.id().toHex());
      // A first request to a peer fetches its address token: a TOKEN exchange, not a refusal.
      assertThat(b.stats().refused()).doesNotContainKey("token.app");
      assertThat(a.service(String.class)).isEmpty();
    }
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").addPlugin(user).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("needs plugin 'echo'");
    PluginProvider broken = provider("broken", Set.of(), ctx -> {
      throw new IllegalStateException("boom");
    });
    assertThatThrownBy(() -> Weft.builder().listen("udp://127.0.0.1:0").addPlugin(broken).build())
        .isInstanceOf(WeftException.class).hasMessageContaining("plugin 'broken' failed to start: boom");
  }

  /** What a transport may offer plugins (as the WebSocket transport offers its HTTP endpoints). */
  record Offered(String by) {}

  @Test
  void pluginsFindTheServicesTransportsOffer() {
    UdpTransportProvider udp = new UdpTransportProvider();
    TransportProvider offering = new TransportProvider() {
      @Override
      public String scheme() {
        return udp.scheme();
      }

      @Override
      public Transport open(Address bind, TransportContext context) throws IOException {
        Transport t = udp.open(bind, context);
        return new Transport() {
          @Override
          public List<Address> localAddresses() {
            return t.localAddresses();
          }

          @Override
          public <T> Optional<T> service(Class<T> type) {
            return type == Offered.class ? Optional.of(type.cast(new Offered(bind.scheme()))) : Optional.empty();
          }

          @Override
          public void send(Address to, byte[] message) {
            t.send(to, message);
          }

          @Override
          public int maxMessageSize() {
            return t.maxMessageSize();
          }

          @Override
          public void close() {
            t.close();
          }
        };
      }
    };
    List<Optional<?>> seen = new ArrayList<>();
    PluginProvider asker = provider("asker", Set.of(), ctx -> {
      seen.add(ctx.service(Offered.class));
      seen.add(ctx.service(Echo.class));
      return () -> { };
    });
    try (Node n = Weft.builder().discovery(false).addTransport(offering).addStore(new MemoryStoreProvider())
        .engine(new KademliaEngineProvider()).addPlugin(asker).listen("udp://127.0.0.1:0").build()) {
      assertThat(n.addresses()).isNotEmpty();
      assertThat(seen).containsExactly(Optional.of(new Offered("udp")), Optional.empty());
    }
  }

  @Test
  void aChannelWithoutHandlerAnswersWithAnError() throws Exception {
    PluginProvider echo = provider("echo", Set.of(), EchoPlugin::new);
    try (Node a = Weft.builder().listen("udp://127.0.0.1:0").addPlugin(echo).build();
         Node b = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      b.join(a.addresses()).get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> a.service(Echo.class).orElseThrow().echo(b.id(), "hi").get(10, TimeUnit.SECONDS))
          .hasMessageContaining("no handler for channel 'echo'");
    }
  }
}
