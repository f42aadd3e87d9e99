package dev.weft.gateway;

import dev.weft.api.Address;
import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.transport.websocket.WsEndpoints;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gateway} plugin: lets browsers use the network through this node (see {@code docs/browser.md}). It needs
 * the node to listen on {@code ws://host:port} or {@code wss://host:port}, and mounts itself there through the
 * transport's {@link WsEndpoints}; it depends on no other plugin, and offers clients the ops of the messaging, schema
 * and pht plugins when the node runs them (looked up when a client connects, so the start order does
 * not matter).
 */
public final class GatewayProvider implements PluginProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayProvider.class);

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public Plugin create(PluginContext context) {
    Optional<WsEndpoints> endpoints = context.service(WsEndpoints.class);
    if (endpoints.isPresent()) {
      Address a = endpoints.get().address();
      Gateway g = Gateway.start(context.node(), endpoints.get(), context.config(), context.scheduler());
      String web = (a.scheme().equals("wss") ? "https" : "http") + a.toString().substring(a.scheme().length());
      LOG.info("node {} serves browsers: demo page {}/, weft.js {}/weft.js, clients {}{}",
          context.node().id().shortHex(), web, web, a, Gateway.CLIENT_PATH);
      return g;
    }
    LOG.info("node {} does not listen on ws://host:port (or wss://): browsers cannot connect to it",
        context.node().id().shortHex());
    return () -> { };
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(GatewaySettings.class);
  }
}
