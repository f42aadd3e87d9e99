package dev.weft.api.spi;

import dev.weft.api.Address;
import java.io.IOException;

/**
 * Creates {@link Transport}s for one address scheme. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.weft.api.spi.TransportProvider}) or added by hand to a {@link dev.weft.api.NodeBuilder}.
 * Providers found by {@code ServiceLoader} need a public no-argument constructor and should be stateless; a provider
 * added by hand may carry state (the testkit's {@code MemoryNetwork} hands out one bound to its network).
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
