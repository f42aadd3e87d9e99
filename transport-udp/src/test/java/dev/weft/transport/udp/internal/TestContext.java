package dev.weft.transport.udp.internal;

import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;

/** A transport context made of its parts. */
record TestContext(WeftConfig config, Scheduler scheduler, TransportListener listener, Relays relays)
    implements TransportContext {
  /** With no relayed nodes. */
  TestContext(WeftConfig config, Scheduler scheduler, TransportListener listener) {
    this(config, scheduler, listener, Relays.none());
  }
}
