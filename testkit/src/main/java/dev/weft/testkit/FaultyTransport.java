package dev.weft.testkit;

import dev.weft.sim.ManualScheduler;
import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps any transport with seeded faults on what it sends: loss, duplication, and a random delay per message (which
 * reorders them). For tests over real sockets — UDP between network namespaces, say — where the kernel offers no
 * {@code netem}.
 *
 * <pre>{@code
 * Faults faults = new Faults(7, 0.10, 0.05, Duration.ZERO, Duration.ofMillis(30));
 * Weft.builder().addTransport(FaultyTransport.wrap(new UdpTransportProvider(), faults)).listen("udp://127.0.0.1:0")
 * }</pre>
 *
 * <p>Delays run on the node's {@link Scheduler} (virtual time with a {@link ManualScheduler}). Draws come from one
 * {@link Random} per transport, seeded with the faults' seed and the transport's bound address, in the order messages
 * are sent: with one sending thread the same messages are lost, duplicated and delayed on every run.
 */
public final class FaultyTransport implements Transport {
  /**
   * What goes wrong, per message sent.
   *
   * @param seed seeds every transport's draws (with its address)
   * @param loss probability that a message is dropped
   * @param duplication probability that a message that is not dropped is delivered twice (each copy delayed on its own)
   * @param minDelay least delay of a message
   * @param maxDelay greatest delay (uniform in between): messages sent close together are reordered
   */
  public record Faults(long seed, double loss, double duplication, Duration minDelay, Duration maxDelay) {
    /** No fault at all. */
    public static Faults none(long seed) {
      return new Faults(seed, 0, 0, Duration.ZERO, Duration.ZERO);
    }

    public Faults {
      if (loss < 0 || loss > 1 || duplication < 0 || duplication > 1) {
        throw new IllegalArgumentException("probabilities are from 0 to 1");
      }
      Objects.requireNonNull(minDelay, "minDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
        throw new IllegalArgumentException("need 0 <= minDelay <= maxDelay");
      }
    }
  }

  private final Transport inner;
  private final AtomicReference<Faults> faults;
  private final Scheduler scheduler;
  private final Random random;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder sent = new LongAdder();

  private FaultyTransport(Transport inner, AtomicReference<Faults> faults, Scheduler scheduler) {
    this.inner = inner;
    this.faults = faults;
    this.scheduler = scheduler;
    this.random = new Random(faults.get().seed() ^ inner.localAddresses().toString().hashCode());
  }

  /** A provider of the same scheme whose transports are {@code inner}'s with {@code faults}. */
  public static TransportProvider wrap(TransportProvider inner, Faults faults) {
    return wrap(inner, new AtomicReference<>(Objects.requireNonNull(faults, "faults")));
  }

  /**
   * As {@link #wrap(TransportProvider, Faults)}, with faults a test may change while the transports run (say, none
   * while a cluster forms, then loss); each message is treated with the faults of the moment it is sent. The seed is
   * the one in effect when a transport opens.
   */
  public static TransportProvider wrap(TransportProvider inner, AtomicReference<Faults> faults) {
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(faults, "faults");
    return new TransportProvider() {
      @Override
      public String scheme() {
        return inner.scheme();
      }

      @Override
      public Transport open(Address bind, TransportContext context) throws IOException {
        return new FaultyTransport(inner.open(bind, context), faults, context.scheduler());
      }
    };
  }

  @Override
  public List<Address> localAddresses() {
    return inner.localAddresses();
  }

  @Override
  public void send(Address to, byte[] message) {
    if (message.length > inner.maxMessageSize()) {
      inner.send(to, message); // the inner transport refuses it, as the contract says
      return;
    }
    int copies;
    long[] delays = new long[2];
    Faults faults = this.faults.get();
    synchronized (random) {
      sent.increment();
      if (random.nextDouble() < faults.loss()) {
        dropped.increment();
        return;
      }
      copies = random.nextDouble() < faults.duplication() ? 2 : 1;
      for (int i = 0; i < copies; i++) {
        long min = faults.minDelay().toNanos();
        long spread = faults.maxDelay().toNanos() - min;
        delays[i] = min + (spread == 0 ? 0 : (long) (random.nextDouble() * spread));
      }
    }
    if (copies == 2) {
      duplicated.increment();
    }
    byte[] copy = message.clone();
    for (int i = 0; i < copies; i++) {
      if (delays[i] == 0) {
        inner.send(to, copy);
      } else {
        scheduler.schedule(() -> inner.send(to, copy), delays[i], TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Messages handed to {@link #send} so far. */
  public long sent() {
    return sent.sum();
  }

  /** Messages dropped so far. */
  public long dropped() {
    return dropped.sum();
  }

  /** Messages delivered twice so far. */
  public long duplicated() {
    return duplicated.sum();
  }

  @Override
  public int maxMessageSize() {
    return inner.maxMessageSize();
  }

  @Override
  public void close() {
    inner.close();
  }
}
