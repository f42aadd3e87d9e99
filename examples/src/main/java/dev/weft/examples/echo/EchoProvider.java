package dev.weft.examples.echo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Setting;
import dev.weft.api.WeftException;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A complete plugin: found by ServiceLoader (listed in {@code META-INF/services/dev.weft.api.spi.plugin.PluginProvider}), it
 * starts in every node built in a JVM that has it on its class path.
 */
public final class EchoProvider implements PluginProvider {
  /** Declared once: the builder accepts {@code weft.echo.prefix} only because this provider lists it. */
  public static final Setting<String> PREFIX = Setting.text("weft.echo.prefix", "echo:", "what answers start with");

  @Override
  public String name() {
    return "echo";  // also the prefix of its settings (weft.echo.*) and its channel
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(EchoProvider.class);
  }

  @Override
  public Plugin create(PluginContext context) {
    return new EchoPlugin(context.dht(), context.config().get(PREFIX));
  }

  /** One per node; users reach it as {@link Echo} through {@code node.service(Echo.class)} (Plugin's default). */
  static final class EchoPlugin implements Plugin, Echo {
    private final Dht dht;
    private final Dht.Registration channel;

    EchoPlugin(Dht dht, String prefix) {
      this.dht = dht;
      // Requests on the "echo" channel, answered on the node's event thread: never block here.
      this.channel = dht.handle("echo", (from, body) ->
          CompletableFuture.completedFuture(JsonNodeFactory.instance.textNode(prefix + " " + body.asText())));
    }

    @Override
    public CompletableFuture<String> echo(NodeId to, String text) {
      // From a NodeId to a Contact (its addresses): the routing table if it knows the node, else a lookup.
      CompletableFuture<Contact> contact = dht.contact(to).map(CompletableFuture::completedFuture)
          .orElseGet(() -> dht.lookup(to).thenApply(found -> found.stream().filter(c -> c.id().equals(to))
              .findFirst().orElseThrow(() -> new WeftException("node " + to.shortHex() + " is not in the network"))));
      return contact.thenCompose(c -> dht.request(c, "echo", JsonNodeFactory.instance.textNode(text)))
          .thenApply(JsonNode::asText);
    }

    @Override
    public void close() {
      channel.close();
    }
  }
}
