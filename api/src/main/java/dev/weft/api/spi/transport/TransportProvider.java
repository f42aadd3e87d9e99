package dev.weft.api.spi.transport;

import dev.weft.api.Address;
import dev.weft.api.Setting;
import java.io.IOException;
import java.util.List;

/**
 * Creates {@link Transport}s for one address scheme. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.weft.api.spi.transport.TransportProvider}) or added by hand to a {@link dev.weft.api.NodeBuilder}.
 * Providers found by {@code ServiceLoader} need a public no-argument constructor and should be stateless; a provider
 * added by hand may carry state (the testkit's {@code MemoryNetwork} hands out one bound to its network).
 */
public interface TransportProvider {
  /** The address scheme served, e.g. {@code udp}; unique among providers. */
  String scheme();

  /**
   * The settings this provider's module reads, each declared once (see {@link dev.weft.api.Setting}): {@link
   * dev.weft.api.NodeBuilder#build()} accepts a {@code weft.*} key only if the core or a present provider declares it,
   * and checks every declared value before anything opens. Called by the builder and by tools that list settings
   * ({@code weft config}), on any thread; never null. Usually {@code Setting.declaredIn(MySettings.class)}.
   *
   * @since 0.1.0
   */
  default List<Setting<?>> settings() {
    return List.of();
  }

  /**
   * Binds to {@code bind} (port 0 picks a free port) and starts delivering to the context's listener.
   *
   * @throws IOException when the address cannot be bound; the message names the address
   */
  Transport open(Address bind, TransportContext context) throws IOException;
}
