package dev.weft.sim;

import dev.weft.api.Address;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A simulated network for thousands of unmodified nodes in one JVM: transports of scheme {@code sim} that deliver
 * through one {@link SimScheduler} (virtual time) after each link's {@link Latency}, with seeded loss and partitions.
 *
 * <pre>{@code
 * SimNetwork net = new SimNetwork(1, Latency.internet(1));
 * Node a = Weft.builder().scheduler(net.scheduler()).addTransport(net.provider()).listen("sim://n1:1")...build();
 * net.loss(0.1);
 * net.partition(address, 1);   // group 1 cannot reach group 0 (everyone else) until heal()
 * net.scheduler().run(Duration.ofMinutes(5));
 * }</pre>
 *
 * <h2>Determinism</h2>
 * Everything happens on the thread that runs the scheduler: sends, loss draws (one seeded {@link Random}, in send
 * order), deliveries. Latency is a function of the seed and the link. Two runs with the same seed and the same calls
 * give the same deliveries in the same order.
 *
 * <h2>Drops</h2>
 * A message is dropped (counted in {@link #dropped()}) when it is drawn for loss, when its two ends are in different
 * partition groups at sending or at delivery, when nothing is bound at its address, or when the receiver closed
 * before delivery: a node that leaves and one that joins later at the same address are different endpoints.
 *
 * <p>Not thread-safe: confined to the simulation thread, like its scheduler.
 */
public final class SimNetwork {
  /** The address scheme of this network's transports. */
  public static final String SCHEME = "sim";
  /** Largest message a {@code sim} transport accepts: the same as the UDP transport's default. */
  public static final int MAX_MESSAGE_SIZE = 256 * 1024;

  private static final System.Logger LOG = System.getLogger(SimNetwork.class.getName());
  /** Virtual wall clock at the start: 2026-01-01T00:00:00Z, so records carry plausible timestamps. */
  private static final long EPOCH_MILLIS = 1_767_225_600_000L;

  private final SimScheduler scheduler = new SimScheduler(EPOCH_MILLIS);
  private final Random random;
  private final Latency latency;
  private final Map<Address, Endpoint> bound = new HashMap<>();
  private final Map<Address, Integer> groups = new HashMap<>();
  private final TransportProvider provider = new Provider();
  private double loss;
  private long sent;
  private long delivered;
  private long dropped;
  private long bytes;

  /** A network without loss or partitions whose links take {@code latency}; loss draws are seeded with {@code seed}. */
  public SimNetwork(long seed, Latency latency) {
    this.random = new Random(seed);
    this.latency = Objects.requireNonNull(latency, "latency");
  }

  /** The virtual-time scheduler every node on this network must use. */
  public SimScheduler scheduler() {
    return scheduler;
  }

  /** The provider of scheme {@code sim} that opens transports on this network. */
  public TransportProvider provider() {
    return provider;
  }

  /** Drops each message sent from now on with probability {@code p} (0 by default). */
  public SimNetwork loss(double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException("loss probability must be from 0 to 1, got " + p);
    }
    this.loss = p;
    return this;
  }

  /**
   * Puts {@code address} in partition {@code group}: from now on (messages in flight included) it reaches only
   * addresses of the same group. Every address is in group 0 until moved.
   */
  public void partition(Address address, int group) {
    if (group == 0) {
      groups.remove(address);
    } else {
      groups.put(Objects.requireNonNull(address, "address"), group);
    }
  }

  /** Ends every partition: all addresses are back in group 0. */
  public void heal() {
    groups.clear();
  }

  /** Whether a message from {@code from} may reach {@code to} now (both in the same partition group). */
  public boolean canReach(Address from, Address to) {
    return groups.getOrDefault(from, 0).equals(groups.getOrDefault(to, 0));
  }

  /** One-way delay from {@code from} to {@code to}. */
  public long latencyNanos(Address from, Address to) {
    return latency.oneWayNanos(from, to);
  }

  /** Transports currently bound. */
  public int boundCount() {
    return bound.size();
  }

  /** Messages handed to the network so far (dropped ones included). */
  public long sent() {
    return sent;
  }

  /** Bytes handed to the network so far (dropped ones included). */
  public long bytesSent() {
    return bytes;
  }

  /** Messages handed to a listener so far. */
  public long delivered() {
    return delivered;
  }

  /** Messages handed to the listener bound at {@code address} so far; 0 when none is bound there (any more). */
  public long deliveredTo(Address address) {
    Endpoint e = bound.get(address);
    return e == null ? 0 : e.received;
  }

  /** Bytes of the messages handed to the listener bound at {@code address} so far; 0 when none is bound there. */
  public long bytesDeliveredTo(Address address) {
    Endpoint e = bound.get(address);
    return e == null ? 0 : e.receivedBytes;
  }

  /** Messages dropped so far, for any reason. */
  public long dropped() {
    return dropped;
  }

  private void send(Endpoint from, Address to, byte[] message) {
    sent++;
    bytes += message.length;
    if (from.closed || !canReach(from.address, to) || (loss > 0 && random.nextDouble() < loss)) {
      dropped++;
      return;
    }
    Endpoint target = bound.get(to);
    if (target == null) {
      dropped++;
      return;
    }
    // The sender may reuse its array once send returns, and the listener keeps what it gets: one copy serves both.
    byte[] copy = message.clone();
    scheduler.schedule(() -> deliver(from.address, target, copy), latency.oneWayNanos(from.address, to),
        TimeUnit.NANOSECONDS);
  }

  private void deliver(Address from, Endpoint target, byte[] message) {
    if (target.closed || !canReach(from, target.address)) {
      dropped++;
      return;
    }
    delivered++;
    target.received++;
    target.receivedBytes += message.length;
    try {
      target.listener.onMessage(from, message);
    } catch (RuntimeException e) {
      // As a real transport does: the listener's failure drops this message, not the simulation.
      LOG.log(Level.WARNING, "listener of " + target.address + " failed on a message from " + from, e);
    }
  }

  private final class Provider implements TransportProvider {
    @Override
    public String scheme() {
      return SCHEME;
    }

    @Override
    public Transport open(Address bind, TransportContext context) throws IOException {
      if (!SCHEME.equals(bind.scheme()) || bind.port() == 0) {
        throw new IllegalArgumentException("a simulated network binds sim://host:port with a port, not " + bind);
      }
      if (context.scheduler() != scheduler) {
        throw new IllegalArgumentException("a node on a simulated network must use its scheduler: "
            + "builder.scheduler(network.scheduler())");
      }
      Endpoint e = new Endpoint(bind, context.listener());
      if (bound.putIfAbsent(bind, e) != null) {
        throw new IOException("cannot bind " + bind + ": already bound");
      }
      return e;
    }

    @Override
    public String toString() {
      return "SimNetwork.provider";
    }
  }

  private final class Endpoint implements Transport {
    final Address address;
    final TransportListener listener;
    boolean closed;
    long received;
    long receivedBytes;

    Endpoint(Address address, TransportListener listener) {
      this.address = address;
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public List<Address> localAddresses() {
      return List.of(address);
    }

    @Override
    public void send(Address to, byte[] message) {
      if (!SCHEME.equals(to.scheme())) {
        throw new IllegalArgumentException("a sim transport cannot send to " + to);
      }
      if (message.length > MAX_MESSAGE_SIZE) {
        throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the maximum of "
            + MAX_MESSAGE_SIZE);
      }
      SimNetwork.this.send(this, to, message);
    }

    @Override
    public int maxMessageSize() {
      return MAX_MESSAGE_SIZE;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        bound.remove(address, this);
      }
    }

    @Override
    public String toString() {
      return "SimTransport[" + address + (closed ? ", closed]" : "]");
    }
  }
}
