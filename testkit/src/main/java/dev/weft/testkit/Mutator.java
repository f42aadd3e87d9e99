package dev.weft.testkit;

import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of valid inputs: the short, reproducible fuzz run every build makes (a coverage-guided run with
 * Jazzer is the long one, on demand; docs/reliability.md). Each call takes a seed input and applies one to four of:
 * flip bits, overwrite bytes with boundary values, insert or delete a run, duplicate a run, splice in part of another
 * seed, truncate. Not thread-safe.
 */
public final class Mutator {
  private static final byte[] INTERESTING = {0, 1, -1, 0x7F, (byte) 0x80, '"', '\\', '{', '[', ']', '}', ',', ':', '0',
      '9', '-', 'e', '.', ' '};

  private final Random random;
  private final List<byte[]> seeds;

  /**
   * @param seed the random seed: the same seed and inputs give the same sequence
   * @param inputs valid inputs to start from, at least one
   */
  public Mutator(long seed, List<byte[]> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a mutator needs at least one input");
    }
    this.random = new Random(seed);
    this.seeds = List.copyOf(inputs);
  }

  /** The next mutated input. */
  public byte[] next() {
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]};
    }
    int at = random.nextInt(b.length);
    switch (random.nextInt(7)) {
      case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
      case 2 -> {
        byte[] run = new byte[1 + random.nextInt(8)];
        for (int i = 0; i < run.length; i++) {
          run[i] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return splice(b, at, 0, run);
      }
      case 3 -> {
        return splice(b, at, Math.min(b.length - at, 1 + random.nextInt(16)), new byte[0]);
      }
      case 4 -> {
        int len = Math.min(b.length - at, 1 + random.nextInt(64));
        byte[] run = new byte[len];
        System.arraycopy(b, at, run, 0, len);
        return splice(b, random.nextInt(b.length + 1), 0, run);
      }
      case 5 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) {
          return b;
        }
        int from = random.nextInt(other.length);
        int len = Math.min(other.length - from, 1 + random.nextInt(64));
        byte[] run = new byte[len];
        System.arraycopy(other, from, run, 0, len);
        return splice(b, at, Math.min(b.length - at, random.nextInt(8)), run);
      }
      default -> {
        byte[] cut = new byte[at];
        System.arraycopy(b, 0, cut, 0, at);
        return cut;
      }
    }
    return b;
  }

  /** {@code b} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
  private static byte[] splice(byte[] b, int at, int removed, byte[] inserted) {
    byte[] out = new byte[b.length - removed + inserted.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(b, at + removed, out, at + inserted.length, b.length - at - removed);
    return out;
  }
}
