package dev.weft.api.spi.transport;
import dev.weft.api.spi.Scheduler;

import dev.weft.api.WeftConfig;

/** What a transport is opened with. */
public interface TransportContext {
  /** The node's configuration; transports read their own keys ({@code weft.udp.*}, ...). */
  WeftConfig config();

  /** The node's scheduler, for timers such as reassembly timeouts. */
  Scheduler scheduler();

  /** Where inbound messages go. */
  TransportListener listener();

  /**
   * The node's switchboard for the nodes it relays, shared by all its transports; {@link Relays#none()} by default.
   *
   * @since 0.1.0
   */
  default Relays relays() {
    return Relays.none();
  }
}
