package dev.weft.transport.udp.internal;

import dev.weft.api.Address;
import dev.weft.api.Setting;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.transport.udp.UdpSettings;
import dev.weft.transport.udp.UdpTransport;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Opens {@link UdpTransport}s for the {@code udp} scheme. Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.weft.api.spi.transport.TransportProvider}; stateless, so one instance serves every node.
 */
public final class UdpTransportProvider implements TransportProvider {
  /** The scheme served. */
  public static final String SCHEME = "udp";

  /** For {@link java.util.ServiceLoader}. */
  public UdpTransportProvider() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  /**
   * Binds a UDP socket to {@code bind} ({@code udp://host:port}, port 0 for any free port) and starts its receive
   * thread.
   *
   * @throws IOException when the host cannot be resolved or the address cannot be bound; the message names it
   * @throws IllegalArgumentException when {@code bind} is not a {@code udp} address without a path
   * @throws dev.weft.api.ConfigException when a {@code weft.udp.*} setting is invalid
   */
  @Override
  public UdpTransport open(Address bind, TransportContext context) throws IOException {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(context, "context");
    if (!SCHEME.equals(bind.scheme())) {
      throw new IllegalArgumentException("the udp transport cannot bind " + bind);
    }
    if (!bind.path().isEmpty()) {
      throw new IllegalArgumentException("a udp address has no path: " + bind);
    }
    return UdpChannelTransport.open(bind, context);
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(UdpSettings.class);
  }
}
