package dev.weft.transport.websocket.internal;

import dev.weft.api.Address;
import dev.weft.api.Setting;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.transport.websocket.WebSocketSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opens WebSocket transports for the {@code ws} scheme (and, as {@link Secure}, {@code wss}): {@code ws://host:port}
 * listens there (a super-node); {@code ws://host:port/relay} connects out to the super-node at {@code host:port} (and
 * those of {@link WebSocketSettings#RELAYS} on failure) and is reached through it. Stateless.
 */
public class WsTransportProvider implements TransportProvider {
  /** The scheme served. */
  public static final String SCHEME = "ws";

  private final String scheme;

  /** For {@link java.util.ServiceLoader}. */
  public WsTransportProvider() {
    this(SCHEME);
  }

  WsTransportProvider(String scheme) {
    this.scheme = scheme;
  }

  /** The {@code wss} scheme: WebSocket over TLS, with the key and trust stores of the {@code weft.ws.*} settings. */
  public static final class Secure extends WsTransportProvider {
    /** For {@link java.util.ServiceLoader}. */
    public Secure() {
      super("wss");
    }
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(WebSocketSettings.class);
  }

  @Override
  public Transport open(Address bind, TransportContext context) throws IOException {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(context, "context");
    if (!scheme.equals(bind.scheme())) {
      throw new IllegalArgumentException("the " + scheme + " transport cannot bind " + bind);
    }
    WeftConfig c = context.config();
    int maxMessage = (int) (long) c.get(WebSocketSettings.MAX_MESSAGE_BYTES);
    long maxQueued = c.get(WebSocketSettings.MAX_QUEUED_BYTES);
    boolean relayed = bind.path().equals(WsTransport.RELAY_PATH);
    Tls tls = scheme.equals("wss") ? Tls.of(c, !relayed) : null;
    if (relayed) {
      List<Address> relays = new ArrayList<>();
      relays.add(Address.of(scheme, bind.host(), bind.port(), ""));
      for (Address a : c.get(WebSocketSettings.RELAYS)) {
        if (!scheme.equals(a.scheme())) {
          throw new dev.weft.api.ConfigException(WebSocketSettings.RELAYS + ": " + a + " is not a " + scheme
              + ":// address");
        }
        relays.add(Address.of(scheme, a.host(), a.port(), ""));
      }
      if (bind.port() == 0) {
        throw new IllegalArgumentException("a relay address needs the super-node's port: " + bind);
      }
      Duration timeout = c.get(WebSocketSettings.RELAY_TIMEOUT);
      return RelayedWsTransport.open(relays, context, tls, maxMessage, maxQueued, timeout);
    }
    if (!bind.path().isEmpty()) {
      throw new IllegalArgumentException("a " + scheme + " listen address is " + scheme + "://host:port, or "
          + scheme + "://super-node:port/relay to be relayed; got " + bind);
    }
    int maxRelayed = c.get(WebSocketSettings.MAX_RELAYED);
    ListeningWsTransport t = ListeningWsTransport.listen(bind, context, tls, maxMessage, maxQueued, maxRelayed);
    t.verifyDeclared = c.get(WebSocketSettings.VERIFY_DECLARED_ADDRESS);
    return t;
  }
}
