package dev.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimNetworkTest {
  /** Endpoints that answer each message once ("ping" gets "pong"), logging every delivery with its virtual time. */
  private static final class Echoes {
    final SimNetwork net;
    final List<Transport> transports = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    Echoes(SimNetwork net, int n) throws IOException {
      this.net = net;
      for (int i = 0; i < n; i++) {
        Address self = address(i);
        Transport[] me = new Transport[1];
        TransportListener listener = (from, message) -> {
          String text = new String(message, java.nio.charset.StandardCharsets.US_ASCII);
          log.add(net.scheduler().nanoTime() + " " + from + ">" + self + " " + text);
          if (text.equals("ping")) {
            me[0].send(from, "pong".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          }
        };
        me[0] = net.provider().open(self, context(net.scheduler(), listener));
        transports.add(me[0]);
      }
    }

    void send(int from, int to) {
      transports.get(from).send(address(to), "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  private static Address address(int i) {
    return Address.parse("sim://n" + i + ":1");
  }

  private static TransportContext context(Scheduler scheduler, TransportListener listener) {
    return new TransportContext() {
      @Override
      public WeftConfig config() {
        return WeftConfig.empty();
      }

      @Override
      public Scheduler scheduler() {
        return scheduler;
      }

      @Override
      public TransportListener listener() {
        return listener;
      }
    };
  }

  /** 2,000 random pings among 50 endpoints, with loss, a partition and a node leaving midway. */
  private static List<String> scenario(long seed) throws IOException {
    SimNetwork net = new SimNetwork(seed, Latency.internet(seed)).loss(0.1);
    Echoes echoes = new Echoes(net, 50);
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      echoes.send(random.nextInt(50), random.nextInt(50));
      if (i == 500) {
        net.partition(address(7), 1);
      }
      if (i == 1000) {
        echoes.transports.get(3).close();
      }
      net.scheduler().run(Duration.ofMillis(random.nextInt(20)));
    }
    net.scheduler().run(Duration.ofSeconds(5));
    echoes.log.add("sent " + net.sent() + " delivered " + net.delivered() + " dropped " + net.dropped());
    return echoes.log;
  }

  @Test
  void aScenarioRepeatsExactlyForASeed() throws IOException {
    List<String> first = scenario(1);
    assertThat(first).hasSizeGreaterThan(3000);
    assertThat(scenario(1)).isEqualTo(first);
    assertThat(scenario(2)).isNotEqualTo(first);
  }

  @Test
  void linkLatenciesAreLogNormalWithTheConfiguredMedianAndSymmetric() {
    Latency internet = Latency.internet(9);
    double[] rtts = new double[20_000];
    for (int i = 0; i < rtts.length; i++) {
      Address a = address(i);
      Address b = address(i + 100_000);
      long oneWay = internet.oneWayNanos(a, b);
      assertThat(internet.oneWayNanos(b, a)).isEqualTo(oneWay);
      assertThat(internet.oneWayNanos(a, b)).isEqualTo(oneWay);
      rtts[i] = 2 * oneWay / 1e6;
    }
    Arrays.sort(rtts);
    // Median 70 ms; 90th percentile 70 e^(1.2816 * 0.6) = 151 ms; nothing above the 2 s cap.
    assertThat(rtts[rtts.length / 2]).isCloseTo(70, within(3.0));
    assertThat(rtts[rtts.length * 9 / 10]).isCloseTo(151, within(8.0));
    assertThat(rtts[rtts.length - 1]).isLessThanOrEqualTo(2000);
    assertThat(Latency.internet(10).oneWayNanos(address(1), address(2)))
        .isNotEqualTo(internet.oneWayNanos(address(1), address(2)));
  }

  @Test
  void aMessageArrivesAfterItsLinksLatencyAndNotBefore() throws IOException {
    SimNetwork net = new SimNetwork(3, Latency.fixed(Duration.ofMillis(40)));
    Echoes echoes = new Echoes(net, 2);
    echoes.send(0, 1);
    net.scheduler().run(Duration.ofMillis(39));
    assertThat(echoes.log).isEmpty();
    net.scheduler().run(Duration.ofMillis(1));
    assertThat(echoes.log).hasSize(1);
    net.scheduler().run(Duration.ofMillis(40));
    assertThat(echoes.log).hasSize(2);
    assertThat(echoes.log.get(1)).contains("sim://n1:1>sim://n0:1 pong");
  }

  @Test
  void lossDropsTheConfiguredShare() throws IOException {
    SimNetwork net = new SimNetwork(4, Latency.fixed(Duration.ofMillis(1))).loss(0.1);
    Echoes echoes = new Echoes(net, 2);
    for (int i = 0; i < 20_000; i++) {
      echoes.transports.get(0).send(address(1), new byte[] {1});
    }
    net.scheduler().run(Duration.ofSeconds(1));
    assertThat(net.dropped() / 20_000.0).isCloseTo(0.1, within(0.01));
    assertThat(net.delivered() + net.dropped()).isEqualTo(20_000);
  }

  @Test
  void aPartitionDropsMessagesAcrossGroupsAlsoInFlightUntilHealed() throws IOException {
    SimNetwork net = new SimNetwork(5, Latency.fixed(Duration.ofMillis(10)));
    Echoes echoes = new Echoes(net, 3);
    echoes.send(0, 1);
    net.partition(address(1), 1);
    net.scheduler().run(Duration.ofSeconds(1));
    assertThat(echoes.log).isEmpty();
    echoes.send(0, 1);
    net.partition(address(2), 1);
    echoes.send(1, 2);
    net.scheduler().run(Duration.ofSeconds(1));
    assertThat(echoes.log).hasSize(2).allMatch(l -> l.contains("n1:1>sim://n2:1") || l.contains("n2:1>sim://n1:1"));
    net.heal();
    echoes.send(0, 1);
    net.scheduler().run(Duration.ofSeconds(1));
    assertThat(echoes.log).hasSize(4);
  }

  @Test
  void aClosedEndpointNeitherReceivesNorIsBound() throws IOException {
    SimNetwork net = new SimNetwork(6, Latency.fixed(Duration.ofMillis(10)));
    Echoes echoes = new Echoes(net, 2);
    echoes.send(0, 1);
    echoes.transports.get(1).close();
    net.scheduler().run(Duration.ofSeconds(1));
    assertThat(echoes.log).isEmpty();
    assertThat(net.boundCount()).isEqualTo(1);
    assertThat(net.dropped()).isEqualTo(1);
  }

  @Test
  void sessionsHaveTheConfiguredMedian() {
    Random random = new Random(7);
    for (Sessions s : List.of(Sessions.exponential(Duration.ofMinutes(30)),
        Sessions.weibull(Duration.ofMinutes(30), 0.5))) {
      long[] minutes = new long[20_001];
      for (int i = 0; i < minutes.length; i++) {
        minutes[i] = s.draw(random).toSeconds();
      }
      Arrays.sort(minutes);
      assertThat(minutes[minutes.length / 2] / 60.0).as(s.toString()).isCloseTo(30, within(1.5));
    }
  }

  @Test
  void churnReplacesEachEndedSessionKeepingThePopulation() {
    SimScheduler scheduler = new SimScheduler(0);
    int[] running = {0};
    List<Integer> starts = new ArrayList<>();
    List<Runnable> initial = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      running[0]++;
      initial.add(() -> running[0]--);
    }
    Churn churn = new Churn(scheduler, Sessions.exponential(Duration.ofMinutes(10)), 8, session -> {
      running[0]++;
      starts.add(session);
      return () -> running[0]--;
    });
    churn.adopt(initial);
    scheduler.run(Duration.ofMinutes(100));
    // Exponential sessions of mean 10 / ln 2 = 14.4 min: 500 slots see about 500 * 100 / 14.4 = 3,466 ends.
    assertThat(churn.ended()).isBetween(3_200, 3_750);
    assertThat(churn.started()).isEqualTo(churn.ended());
    assertThat(starts).startsWith(0, 1, 2);
    assertThat(running[0]).isEqualTo(500);
    churn.stop();
    scheduler.run(Duration.ofMinutes(100));
    assertThat(churn.ended()).isEqualTo(starts.size());
  }

  @Test
  void aCancelledTaskNeverRunsAndTimeOnlyMovesWhenRun() {
    SimScheduler scheduler = new SimScheduler(1_000);
    List<String> ran = new ArrayList<>();
    scheduler.schedule(() -> ran.add("b"), 20, TimeUnit.MILLISECONDS);
    Scheduler.Cancellable c = scheduler.schedule(() -> ran.add("x"), 10, TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("a"), 10, TimeUnit.MILLISECONDS);
    c.cancel();
    assertThat(scheduler.currentTimeMillis()).isEqualTo(1_000);
    assertThat(scheduler.runUntil(() -> ran.size() == 1, Duration.ofSeconds(1))).isTrue();
    assertThat(scheduler.currentTimeMillis()).isEqualTo(1_010);
    scheduler.run(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("a", "b");
    assertThat(scheduler.currentTimeMillis()).isEqualTo(2_010);
  }
}
