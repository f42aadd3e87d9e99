package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testkit.Memory;
import dev.weft.testkit.Mutator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Any datagram given to {@link Frames#decode} is a frame whose fields agree with each other or a
 * {@link MalformedFrameException}; any sequence of fragments, with any declared totals (up to 2³²-1), counts, indexes,
 * duplicates and overlaps, keeps the {@link Reassembler} within its limits and completes only messages of the length
 * they declared. {@code @FuzzTest}s: seeds in every build, {@code JAZZER_FUZZ=1} to fuzz (docs/reliability.md).
 */
class UdpFuzzTest {
  /** The largest {@code weft.udp.max-message-bytes}: decoding lets through every total a node can be set to take. */
  private static final int MAX_MESSAGE = 64 * 1024 * 1024;
  private static final long SECOND = 1_000_000_000L;
  private static final long MAX_BYTES = 64 * 1024;
  private static final long MAX_PER_SOURCE = 16 * 1024;
  private static final int MAX_MESSAGES = 16;

  @FuzzTest
  void frames(byte[] datagram) throws Exception {
    decodeOrReject(datagram);
    // The checksum stops almost every mutation; sealed, the same bytes reach the header checks.
    if (datagram.length >= Frames.WHOLE_HEADER) {
      ByteBuffer sealed = ByteBuffer.wrap(datagram.clone());
      Frames.seal(sealed);
      decodeOrReject(sealed.array());
    }
  }

  private static void decodeOrReject(byte[] datagram) {
    Frame frame;
    try {
      frame = Frames.decode(ByteBuffer.wrap(datagram), MAX_MESSAGE);
    } catch (MalformedFrameException e) {
      return;
    }
    if (frame instanceof Frame.Fragment f) {
      int length = f.payload().remaining();
      assertThat(f.count()).isBetween(2, Frames.MAX_FRAGMENTS);
      assertThat(f.index()).isBetween(0, f.count() - 1);
      assertThat(f.chunk()).isPositive();
      assertThat((long) f.count() * f.chunk()).isGreaterThanOrEqualTo(f.totalLength());
      assertThat((long) f.offset() + length).isLessThanOrEqualTo(f.totalLength());
      if (f.index() < f.count() - 1) {
        assertThat(length).isEqualTo(f.chunk());
      } else {
        assertThat((long) f.offset() + length).isEqualTo(f.totalLength());
      }
    } else {
      assertThat(((Frame.Whole) frame).payload().remaining()).isEqualTo(datagram.length - Frames.WHOLE_HEADER);
    }
  }

  /**
   * Fragments from four sources with fuzzed headers and timing: the reassembler holds at most its byte and message
   * limits after every step, and a completed message has its declared length.
   */
  @FuzzTest
  void reassembly(FuzzedDataProvider data) {
    Reassembler<Integer> r = new Reassembler<>(MAX_BYTES, MAX_PER_SOURCE, MAX_MESSAGES, 5 * SECOND);
    long now = 0;
    while (data.remainingBytes() > 0) {
      now += data.consumeLong(0, 3 * SECOND);
      if (data.consumeInt(0, 15) == 0) {
        r.expire(now);
        continue;
      }
      int source = data.consumeInt(0, 3);
      byte[] datagram = fragment(data.consumeInt(0, 3), data.consumeInt(), data.consumeInt(0, 0xFFFF),
          data.consumeInt(0, 0xFFFF), data.consumeBytes(data.consumeInt(1, 4096)));
      step(r, source, datagram, now);
    }
  }

  private static void step(Reassembler<Integer> r, int source, byte[] datagram, long now) {
    try {
      if (Frames.decode(ByteBuffer.wrap(datagram), MAX_MESSAGE) instanceof Frame.Fragment f) {
        byte[] whole = r.accept(source, f, now);
        if (whole != null) {
          assertThat(whole).hasSize(f.totalLength());
        }
      }
    } catch (MalformedFrameException e) {
      // rejected, as it may be
    }
    Reassembler.Stats s = r.stats();
    assertThat(s.partialBytes()).isBetween(0L, MAX_BYTES);
    assertThat(s.partialMessages()).isBetween(0, MAX_MESSAGES);
  }

  /** A sealed fragment datagram with whatever header fields the caller declares. */
  static byte[] fragment(int messageId, int total, int index, int count, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(Frames.FRAGMENT_HEADER + payload.length);
    b.put(Frames.MAGIC_0).put(Frames.MAGIC_1).put(Frames.VERSION).put(Frames.TYPE_FRAGMENT).putInt(0)
        .putInt(messageId).putInt(total).putShort((short) index).putShort((short) count).put(payload);
    b.flip();
    Frames.seal(b);
    return b.array();
  }

  @Test
  void seededMutationsOfFramesAreDecodedOrRejected() throws Exception {
    List<byte[]> seeds = new ArrayList<>(Frames.encode(new byte[3000], 7, 1200));
    seeds.addAll(Frames.encode("{\"v\":1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 8, 1200));
    Mutator mutator = new Mutator(20261124, seeds);
    for (int i = 0; i < 100_000; i++) {
      frames(mutator.next());
    }
  }

  @Test
  void seededFragmentFloodsStayWithinTheLimits() {
    Random random = new Random(20261124);
    Reassembler<Integer> r = new Reassembler<>(MAX_BYTES, MAX_PER_SOURCE, MAX_MESSAGES, 5 * SECOND);
    long now = 0;
    for (int i = 0; i < 100_000; i++) {
      now += random.nextInt(100_000_000);
      int count = 2 + random.nextInt(random.nextBoolean() ? 4 : 0xFFFE);
      int chunk = 1 + random.nextInt(600);
      // Mostly totals that fit the declared shape (so fragments reach the reassembler), some anything up to 2³²-1.
      int total = random.nextInt(4) == 0 ? random.nextInt() : (count - 1) * chunk + 1 + random.nextInt(chunk);
      int index = random.nextInt(count);
      int length = index == count - 1 ? Math.max(1, total - (count - 1) * chunk) : chunk;
      step(r, random.nextInt(4), fragment(random.nextInt(4), total, index, count, new byte[Math.min(length, 4096)]),
          now);
    }
  }

  /**
   * Declared totals of 2³¹ and more, counts of 65,535: refused before any buffer is allocated, so 10,000 of them leave
   * the heap as it was, and a partial message holds no more than the limits whatever it declares.
   */
  @Test
  void hugeDeclaredTotalsAllocateNothing() throws Exception {
    UdpOptions defaults = UdpOptions.from(dev.weft.api.WeftConfig.empty());
    Reassembler<Integer> r = new Reassembler<>(defaults.reassemblyBytes(), defaults.reassemblyBytesPerSource(),
        defaults.reassemblyMessages(), defaults.reassemblyTimeout().toNanos());
    List<byte[]> hostile = List.of(
        fragment(1, Integer.MIN_VALUE, 0, 2, new byte[1000]), // 2³¹
        fragment(2, -1, 0, 0xFFFF, new byte[1000]), // 2³²-1
        fragment(3, 0x7FFF_FFFF, 0xFFFE, 0xFFFF, new byte[1000]),
        fragment(4, 65_534 * 1024 + 1, 0, 0xFFFF, new byte[1024])); // fits decoding at the largest setting, not reassembly
    long before = Memory.usedAfterGc();
    long allocated = Memory.allocatedBy(() -> {
      for (int i = 0; i < 10_000; i++) {
        step(r, i % 4, hostile.get(i % hostile.size()), i);
      }
    });
    long after = Memory.usedAfterGc();
    assertThat(r.stats().partialMessages()).isZero();
    // Decoding allocates a few small objects per datagram (the views of the buffer, the frame, the exception).
    assertThat(allocated / 10_000).as("bytes allocated per hostile fragment").isLessThan(2048);
    assertThat(after - before).as("heap growth").isLessThan(1024 * 1024);
  }
}
