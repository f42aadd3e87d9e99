package dev.weft.sim;

import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process network: transports of scheme {@code mem} that hand messages to each other without sockets, so a
 * test can run many nodes in one JVM, fast, with faults it controls.
 *
 * <pre>{@code
 * MemoryNetwork net = new MemoryNetwork(42);
 * Node a = Weft.builder().addTransport(net.provider()).listen("mem://node-1:0")...build();
 * net.lossProbability(0.1).latency(Duration.ofMillis(20));
 * net.disconnect(addressOfA);   // a partition: nothing reaches or leaves node-1:1
 * }</pre>
 *
 * <h2>Delivery</h2>
 * {@link Transport#send} copies the message and hands it to the receiving transport's {@link Scheduler} (the one in
 * its {@link TransportContext}): {@link Scheduler#execute} without latency, {@link Scheduler#schedule} with it. The
 * listener runs on that scheduler's thread(s), so with a virtual-time scheduler the whole network runs in virtual
 * time. With a scheduler of several threads, messages may arrive out of order and the listener may be called
 * concurrently, as the {@link Transport} contract allows. A message is dropped (and counted in {@link #dropped()})
 * when it is drawn for loss, when its sender or receiver is disconnected at sending or at delivery, when nothing is
 * bound at its address, or when the receiver closed before delivery.
 *
 * <h2>Addresses</h2>
 * Any host; port 0 picks the next free port of this network (from 1). An address is bound by one transport at a
 * time; closing releases it.
 *
 * <h2>Determinism</h2>
 * Loss draws from one {@link Random} seeded at construction, in the order messages are sent: with one sending thread
 * and a single-threaded scheduler, a run repeats exactly.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread; changed settings apply to messages sent afterwards.
 *
 * <p>The provider is not listed in {@code META-INF/services}: add it to a builder by hand
 * ({@code addTransport(net.provider())}). Unlike discovered providers it belongs to this network.
 */
public final class MemoryNetwork {
  /** The address scheme of this network's transports. */
  public static final String SCHEME = "mem";
  /** Largest message a {@code mem} transport accepts: the same as the UDP transport's default. */
  public static final int MAX_MESSAGE_SIZE = 256 * 1024;

  private static final System.Logger LOG = System.getLogger(MemoryNetwork.class.getName());

  private final Random random;
  private final ConcurrentMap<Address, Endpoint> bound = new ConcurrentHashMap<>();
  private final Set<Address> disconnected = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextPort = new AtomicInteger(1);
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final TransportProvider provider = new Provider();
  private volatile long latencyNanos;
  private volatile double lossProbability;

  /** A network without latency or loss whose loss draws are seeded with {@code seed}. */
  public MemoryNetwork(long seed) {
    this.random = new Random(seed);
  }

  /** The provider of scheme {@code mem} that opens transports on this network. */
  public TransportProvider provider() {
    return provider;
  }

  /**
   * Delays every message sent from now on by {@code latency} on the receiver's scheduler; zero (the default) delivers
   * through {@link Scheduler#execute}.
   */
  public MemoryNetwork latency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    this.latencyNanos = latency.toNanos();
    return this;
  }

  /** Drops each message sent from now on with probability {@code p} (0 by default). */
  public MemoryNetwork lossProbability(double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException("loss probability must be from 0 to 1, got " + p);
    }
    this.lossProbability = p;
    return this;
  }

  /**
   * Cuts {@code address} off: messages from or to it are dropped, also those already in flight, until
   * {@link #reconnect}. The address may be bound later or not at all.
   */
  public void disconnect(Address address) {
    disconnected.add(Objects.requireNonNull(address, "address"));
  }

  /** Undoes {@link #disconnect}. */
  public void reconnect(Address address) {
    disconnected.remove(Objects.requireNonNull(address, "address"));
  }

  /** Whether messages may reach and leave {@code address}. */
  public boolean isConnected(Address address) {
    return !disconnected.contains(address);
  }

  /** The addresses currently bound, in no particular order. */
  public Set<Address> boundAddresses() {
    return Set.copyOf(bound.keySet());
  }

  /** Messages handed to a listener so far. */
  public long delivered() {
    return delivered.sum();
  }

  /** Messages dropped so far, for any reason. */
  public long dropped() {
    return dropped.sum();
  }

  private Endpoint bind(Address requested, TransportContext context) throws IOException {
    if (requested.port() != 0) {
      Endpoint e = new Endpoint(requested, context);
      if (bound.putIfAbsent(requested, e) != null) {
        throw new IOException("cannot bind " + requested + ": already bound");
      }
      return e;
    }
    for (int tries = 0; tries < 65_535; tries++) {
      int port = nextPort.getAndUpdate(p -> p >= 65_535 ? 1 : p + 1);
      Address candidate = requested.withPort(port);
      Endpoint e = new Endpoint(candidate, context);
      if (bound.putIfAbsent(candidate, e) == null) {
        return e;
      }
    }
    throw new IOException("cannot bind " + requested + ": no free port left on this memory network");
  }

  private void send(Endpoint from, Address to, byte[] message) {
    // The sender may reuse its array once send returns, and the listener keeps what it gets: one copy serves both.
    byte[] copy = message.clone();
    if (from.closed.get() || !isConnected(from.address) || !isConnected(to) || lost()) {
      dropped.increment();
      return;
    }
    Endpoint target = bound.get(to);
    if (target == null) {
      dropped.increment();
      return;
    }
    Runnable delivery = () -> deliver(from.address, target, copy);
    long latency = latencyNanos;
    try {
      if (latency == 0) {
        target.scheduler.execute(delivery);
      } else {
        target.scheduler.schedule(delivery, latency, TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) {
      // A scheduler that refuses work (shut down) loses the message, as a network would.
      dropped.increment();
      LOG.log(Level.DEBUG, "scheduler refused a delivery to " + to, e);
    }
  }

  private boolean lost() {
    double p = lossProbability;
    return p > 0 && random.nextDouble() < p;
  }

  private void deliver(Address from, Endpoint target, byte[] message) {
    // A closed endpoint is unbound for good: a new transport at the same address is another endpoint.
    if (target.closed.get() || !isConnected(from) || !isConnected(target.address)) {
      dropped.increment();
      return;
    }
    delivered.increment();
    try {
      target.listener.onMessage(from, message);
    } catch (Throwable t) {
      // As a real transport does: the listener's failure drops this message, not the network.
      LOG.log(Level.WARNING, "listener of " + target.address + " failed on a message from " + from, t);
    }
  }

  private final class Provider implements TransportProvider {
    @Override
    public String scheme() {
      return SCHEME;
    }

    @Override
    public Transport open(Address bind, TransportContext context) throws IOException {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(context, "context");
      if (!SCHEME.equals(bind.scheme())) {
        throw new IllegalArgumentException("a memory network cannot bind " + bind);
      }
      return MemoryNetwork.this.bind(bind, context);
    }

    @Override
    public String toString() {
      return "MemoryNetwork.provider";
    }
  }

  private final class Endpoint implements Transport {
    final Address address;
    final Scheduler scheduler;
    final TransportListener listener;
    final AtomicBoolean closed = new AtomicBoolean();

    Endpoint(Address address, TransportContext context) {
      this.address = address;
      this.scheduler = Objects.requireNonNull(context.scheduler(), "context.scheduler()");
      this.listener = Objects.requireNonNull(context.listener(), "context.listener()");
    }

    @Override
    public List<Address> localAddresses() {
      return List.of(address);
    }

    @Override
    public void send(Address to, byte[] message) {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(message, "message");
      if (!SCHEME.equals(to.scheme())) {
        throw new IllegalArgumentException("a mem transport cannot send to " + to);
      }
      if (message.length > MAX_MESSAGE_SIZE) {
        throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the maximum of "
            + MAX_MESSAGE_SIZE);
      }
      MemoryNetwork.this.send(this, to, message);
    }

    @Override
    public int maxMessageSize() {
      return MAX_MESSAGE_SIZE;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        bound.remove(address, this);
      }
    }

    @Override
    public String toString() {
      return "MemoryTransport[" + address + (closed.get() ? ", closed]" : "]");
    }
  }
}
