package dev.weft.transport.udp.internal;

import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.TransportContext;
import dev.weft.api.spi.TransportListener;

/** A transport context made of its three parts. */
record TestContext(WeftConfig config, Scheduler scheduler, TransportListener listener) implements TransportContext {}
