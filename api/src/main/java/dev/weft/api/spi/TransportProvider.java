package dev.weft.api.spi;

import dev.weft.api.Address;
import java.io.IOException;

/**
 * Creates {@link Transport}s for one address scheme. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.weft.api.spi.TransportProvider}) or added by hand to a {@link dev.weft.api.NodeBuilder}.
 * Implementations need a public no-argument constructor and are stateless.
 */
public interface TransportProvider {
  /** The address scheme served, e.g. {@code udp}; unique among providers. */
  String scheme();

  /**
   * Binds to {@code bind} (port 0 picks a free port) and starts delivering to the context's listener.
   *
   * @throws IOException when the address cannot be bound; the message names the address
   */
  Transport open(Address bind, TransportContext context) throws IOException;
}
