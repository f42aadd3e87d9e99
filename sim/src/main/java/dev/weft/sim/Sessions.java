package dev.weft.sim;

import java.time.Duration;
import java.util.Random;

/**
 * How long a node stays online: a session length distribution given by its median, as churn studies report it
 * (Bamboo's stress test: median 1.4 minutes; measured file-sharing networks: tens of minutes to hours).
 */
public final class Sessions {
  private final double scaleNanos;
  private final double shape;
  private final String name;

  private Sessions(double scaleNanos, double shape, String name) {
    this.scaleNanos = scaleNanos;
    this.shape = shape;
    this.name = name;
  }

  /** Exponential sessions (memoryless, as in Bamboo's churn model) with the given median. */
  public static Sessions exponential(Duration median) {
    return weibull(median, 1.0);
  }

  /**
   * Weibull sessions with the given median and shape; shape below 1 gives many short sessions and a long tail (shape
   * 0.5 is typical of measured peer-to-peer networks), shape 1 is exponential.
   */
  public static Sessions weibull(Duration median, double shape) {
    if (median.isNegative() || median.isZero() || !(shape > 0)) {
      throw new IllegalArgumentException("median must be positive and shape > 0: " + median + ", " + shape);
    }
    // Median of Weibull(scale λ, shape k) is λ (ln 2)^(1/k).
    double scale = median.toNanos() / Math.pow(Math.log(2), 1 / shape);
    return new Sessions(scale, shape, "weibull(median " + median + ", shape " + shape + ")");
  }

  /** One session length drawn from {@code random} (inverse CDF, one draw per call). */
  public Duration draw(Random random) {
    double u = 1 - random.nextDouble();
    return Duration.ofNanos(Math.max(1, (long) (scaleNanos * Math.pow(-Math.log(u), 1 / shape))));
  }

  @Override
  public String toString() {
    return name;
  }
}
