package dev.weft.sim;

import dev.weft.api.Address;
import java.nio.charset.StandardCharsets;

/** Stateless seeded draws: the same inputs give the same numbers on every JVM. */
final class Mix {
  private Mix() {}

  /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit hash of an address's text (FNV-1a), independent of {@code hashCode} implementations. */
  static long hash(Address address) {
    long h = 0xcbf29ce484222325L;
    for (byte b : address.toString().getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** A uniform draw in (0, 1) from {@code bits}. */
  static double uniform(long bits) {
    return ((bits >>> 11) + 0.5) / (1L << 53);
  }

  /** A standard normal draw from {@code bits} (Box-Muller on two derived uniforms). */
  static double gaussian(long bits) {
    double u1 = uniform(mix(bits));
    double u2 = uniform(mix(bits + 0x9e3779b97f4a7c15L));
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
