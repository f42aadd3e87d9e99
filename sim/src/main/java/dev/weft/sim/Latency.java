package dev.weft.sim;

import dev.weft.api.Address;
import java.time.Duration;

/**
 * One-way delay of each link. A link's delay is a pure function of the seed and its two ends (symmetric, the same
 * for every message), so it needs no memory per link and a run repeats for a seed.
 */
@FunctionalInterface
public interface Latency {
  /** Nanoseconds a message from {@code from} takes to reach {@code to}. */
  long oneWayNanos(Address from, Address to);

  /** Every link takes {@code oneWay}. */
  static Latency fixed(Duration oneWay) {
    long nanos = oneWay.toNanos();
    return (from, to) -> nanos;
  }

  /**
   * Round trips drawn per link from a log-normal distribution with median {@code medianRtt} and shape {@code sigma}
   * (the standard deviation of ln RTT), capped at {@code maxRtt}; a message takes half its link's round trip.
   *
   * <p>{@link #internet(long)} uses median 70 ms and sigma 0.6: its 10th/90th/99th percentiles are 32/151/283 ms,
   * the shape of measured all-pairs internet RTTs (King-style data sets used by p2psim and Bamboo have medians of
   * 60-80 ms and a long tail). It is a plausible fit, not a fit to one data set.
   */
  static Latency logNormal(long seed, Duration medianRtt, double sigma, Duration maxRtt) {
    if (!(sigma >= 0)) {
      throw new IllegalArgumentException("sigma must not be negative: " + sigma);
    }
    double mu = Math.log(medianRtt.toNanos());
    long cap = maxRtt.toNanos();
    return (from, to) -> {
      long a = Mix.hash(from);
      long b = Mix.hash(to);
      long link = Mix.mix(seed ^ Mix.mix(Math.min(a, b) * 31 + Math.max(a, b)));
      double rtt = Math.exp(mu + sigma * Mix.gaussian(link));
      return Math.min(cap, (long) rtt) / 2;
    };
  }

  /** Internet-like round trips: log-normal, median 70 ms, sigma 0.6, at most 2 s (see {@link #logNormal}). */
  static Latency internet(long seed) {
    return logNormal(seed, Duration.ofMillis(70), 0.6, Duration.ofSeconds(2));
  }
}
