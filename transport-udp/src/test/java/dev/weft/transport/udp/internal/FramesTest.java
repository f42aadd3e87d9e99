package dev.weft.transport.udp.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** The frame codec, against fixed vectors (also in docs/protocol.md) and as properties. */
class FramesTest {
  private static final int MAX = 256 * 1024;
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  @Test
  void theChecksumIsCrc32c() {
    // The standard check value of CRC-32C (Castagnoli), computed outside Java.
    CRC32C crc = new CRC32C();
    crc.update("123456789".getBytes(US_ASCII));
    assertThat(crc.getValue()).isEqualTo(0xE3069283L);
  }

  @Test
  void aWholeFrameIsByteForByteTheDocumentedVector() throws MalformedFrameException {
    ByteBuffer out = ByteBuffer.allocate(64);

    Frames.encodeWhole("hi".getBytes(US_ASCII), out);

    assertThat(HEX.formatHex(bytes(out))).isEqualTo("57 46 01 01 c4 a5 76 62 68 69");
    Frame.Whole whole = (Frame.Whole) Frames.decode(out, MAX);
    assertThat(bytes(whole.payload())).isEqualTo("hi".getBytes(US_ASCII));
  }

  @Test
  void aRelayedFrameIsByteForByteTheDocumentedVector() throws MalformedFrameException {
    ByteBuffer out = ByteBuffer.allocate(64);
    byte[] wrapped = new Frames.Envelope("tokenA01", "").wrap("hi".getBytes(US_ASCII));

    Frames.encodeWhole(wrapped, true, out);

    String hex = HEX.formatHex(bytes(out));
    assertThat(hex).isEqualTo("57 46 01 81 b5 1e 0a 99 01 08 74 6f 6b 65 6e 41 30 31 68 69");
    Frame.Whole whole = (Frame.Whole) Frames.decode(out, MAX);
    assertThat(whole.relayed()).isTrue();
    Frames.Envelope.Opened opened = Frames.Envelope.open(bytes(whole.payload()));
    assertThat(opened.envelope()).isEqualTo(new Frames.Envelope("tokenA01", ""));
    assertThat(opened.message()).isEqualTo("hi".getBytes(US_ASCII));
  }

  @Test
  void envelopesCarryEitherTokenOrBothAndRefuseDamage() throws MalformedFrameException {
    byte[] m = {1, 2, 3};
    for (Frames.Envelope e : List.of(new Frames.Envelope("to-token", ""), new Frames.Envelope("", "from-token"),
        new Frames.Envelope("to-token", "from-token-which-is-longer"))) {
      Frames.Envelope.Opened opened = Frames.Envelope.open(e.wrap(m));
      assertThat(opened.envelope()).isEqualTo(e);
      assertThat(opened.message()).isEqualTo(m);
    }
    assertThatThrownBy(() -> new Frames.Envelope("", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Frames.Envelope("short", "")).isInstanceOf(IllegalArgumentException.class);
    for (byte[] bad : List.of(new byte[0], new byte[] {0, 1}, new byte[] {4}, new byte[] {1}, new byte[] {1, 9, 'a'},
        new byte[] {1, 8, 'a', 'b', 'c', 'd', 'e', 'f', 'g', '!'})) {
      assertThatThrownBy(() -> Frames.Envelope.open(bad)).isInstanceOf(MalformedFrameException.class);
    }
  }

  @Test
  void fragmentsOfOneMessageMustAgreeOnBeingRelayed() throws MalformedFrameException {
    byte[] message = "abcde".getBytes(US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(64);
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 16, 1_000_000_000L);
    Frames.encodeFragment(message, true, 7, 0, 2, 3, out);
    assertThat(r.accept("peer", (Frame.Fragment) Frames.decode(out, MAX), 0)).isNull();
    Frames.encodeFragment(message, false, 7, 1, 2, 3, out);
    Frame.Fragment plain = (Frame.Fragment) Frames.decode(out, MAX);
    assertThatThrownBy(() -> r.accept("peer", plain, 1)).isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("relayed");
    Frames.encodeFragment(message, true, 7, 1, 2, 3, out);
    assertThat(r.accept("peer", (Frame.Fragment) Frames.decode(out, MAX), 2)).isEqualTo(message);
  }

  @Test
  void fragmentFramesAreByteForByteTheDocumentedVectors() throws MalformedFrameException {
    byte[] message = "abcde".getBytes(US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(64);

    Frames.encodeFragment(message, 0x01020304, 0, 2, 3, out);
    assertThat(HEX.formatHex(bytes(out)))
        .isEqualTo("57 46 01 02 75 f9 35 c1 01 02 03 04 00 00 00 05 00 00 00 02 61 62 63");
    Frame.Fragment first = (Frame.Fragment) Frames.decode(out, MAX);
    assertThat(first).extracting("messageId", "totalLength", "index", "count", "chunk")
        .containsExactly(0x01020304, 5, 0, 2, 3);

    Frames.encodeFragment(message, 0x01020304, 1, 2, 3, out);
    assertThat(HEX.formatHex(bytes(out)))
        .isEqualTo("57 46 01 02 91 9e fc 78 01 02 03 04 00 00 00 05 00 01 00 02 64 65");
    Frame.Fragment last = (Frame.Fragment) Frames.decode(out, MAX);
    assertThat(last.chunk()).as("derived from the last fragment alone").isEqualTo(3);
    assertThat(last.offset()).isEqualTo(3);
    assertThat(bytes(last.payload())).isEqualTo("de".getBytes(US_ASCII));
  }

  @Test
  void aMessageThatFillsADatagramIsWholeAndOneMoreByteSplitsIt() {
    int datagram = 1200;
    int capacity = Frames.wholeCapacity(datagram);

    List<byte[]> fits = Frames.encode(new byte[capacity], 1, datagram);
    List<byte[]> overflows = Frames.encode(new byte[capacity + 1], 1, datagram);

    assertThat(fits).singleElement().satisfies(d -> assertThat(d).hasSize(datagram));
    assertThat(overflows).hasSize(2);
    assertThat(overflows.get(0)).hasSize(datagram);
    assertThat(overflows.get(1)).hasSize(Frames.FRAGMENT_HEADER + capacity + 1 - Frames.chunkSize(datagram));
  }

  @Test
  void invalidDatagramsAreRejectedWithTheirReason() {
    assertRejected(new byte[0], "shorter than a frame header");
    assertRejected(new byte[7], "shorter than a frame header");
    assertRejected(hex("00 00 01 01 00 00 00 00"), "bad magic");
    assertRejected(sealed(hex("57 46 02 01 00 00 00 00")), "unsupported frame version 2");
    assertRejected(sealed(hex("57 46 01 07 00 00 00 00")), "unknown frame type 7");
    assertRejected(sealed(hex("57 46 01 02 00 00 00 00 00 00 00 01 00 00 00")), "shorter than its header");
    assertRejected(hex("57 46 01 01 00 00 00 00 68 69"), "checksum mismatch");
    assertRejected(fragment(5, 0, 1, "abc"), "fragment count 1 is below 2");
    assertRejected(fragment(5, 2, 2, "abc"), "fragment index 2 is not below the count 2");
    assertRejected(fragment(MAX + 1, 0, 300, "abc"), "exceeds the maximum");
    assertRejected(fragment(5, 0, 2, ""), "empty fragment");
    assertRejected(fragment(7, 2, 3, "ab"), "does not fit a message of 7 bytes in 3 equal fragments");
    assertRejected(fragment(9, 0, 2, "abc"), "2 fragments cannot hold a message of 9 bytes");
    assertRejected(fragment(3, 0, 2, "abc"), "2 fragments cannot hold a message of 3 bytes");
    assertRejected(sealed(wholeOf(MAX + 1)), "exceeds the maximum");
  }

  @Property(tries = 300, seed = "20261123")
  void anyMessageSplitAndReassembledInAnyOrderWithDuplicatesIsTheOriginal(
      @ForAll("messages") byte[] message,
      @ForAll @IntRange(min = Frames.MIN_DATAGRAM, max = 2_000) int datagramBytes,
      @ForAll long shuffleSeed) throws MalformedFrameException {
    List<byte[]> datagrams = Frames.encode(message, 42, datagramBytes);
    Statistics.label("fragmented").collect(datagrams.size() > 1);
    Statistics.label("fragmented").coverage(c -> {
      c.check(true).percentage(p -> p > 50);
      c.check(false).count(n -> n > 0);
    });
    assertThat(datagrams).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(datagramBytes));

    Random random = new Random(shuffleSeed);
    List<byte[]> arriving = new ArrayList<>();
    for (byte[] d : datagrams) {
      for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
        arriving.add(d);
      }
    }
    Collections.shuffle(arriving, random);

    Reassembler<String> reassembler = new Reassembler<>(1 << 24, 1 << 24, 16, Long.MAX_VALUE / 4);
    List<byte[]> delivered = new ArrayList<>();
    for (byte[] d : arriving) {
      Frame frame = Frames.decode(ByteBuffer.wrap(d), MAX);
      if (frame instanceof Frame.Whole w) {
        delivered.add(bytes(w.payload()));
      } else {
        byte[] done = reassembler.accept("peer", (Frame.Fragment) frame, 0);
        if (done != null) {
          delivered.add(done);
        }
      }
    }

    int expectedDeliveries = datagrams.size() == 1 ? arriving.size() : 1;
    assertThat(delivered).hasSize(expectedDeliveries).allSatisfy(m -> assertThat(m).isEqualTo(message));
    assertThat(reassembler.stats().partialMessages()).isZero();
  }

  /** Sizes spread evenly up to 20,000 bytes: jqwik's default favours small arrays, which would rarely fragment. */
  @Provide
  Arbitrary<byte[]> messages() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(20_000).withSizeDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 300, seed = "20261124")
  void anyFlippedBitIsDetected(
      @ForAll @Size(max = 5_000) byte[] message,
      @ForAll @IntRange(min = Frames.MIN_DATAGRAM, max = 1_500) int datagramBytes,
      @ForAll @IntRange(min = 0) int which,
      @ForAll @IntRange(min = 0) int bit) {
    List<byte[]> datagrams = Frames.encode(message, 7, datagramBytes);
    byte[] d = datagrams.get(which % datagrams.size()).clone();
    int at = bit % (d.length * 8);
    d[at / 8] ^= (byte) (1 << (at % 8));

    assertThatThrownBy(() -> Frames.decode(ByteBuffer.wrap(d), MAX)).isInstanceOf(MalformedFrameException.class);
  }

  @Property(tries = 300, seed = "20261125")
  void aTruncatedDatagramIsRejected(
      @ForAll @Size(max = 5_000) byte[] message,
      @ForAll @IntRange(min = Frames.MIN_DATAGRAM, max = 1_500) int datagramBytes,
      @ForAll @IntRange(min = 0) int which,
      @ForAll @IntRange(min = 1) int cut) {
    List<byte[]> datagrams = Frames.encode(message, 7, datagramBytes);
    byte[] d = datagrams.get(which % datagrams.size());
    byte[] truncated = Arrays.copyOf(d, d.length - 1 - cut % d.length);

    assertThatThrownBy(() -> Frames.decode(ByteBuffer.wrap(truncated), MAX))
        .isInstanceOf(MalformedFrameException.class);
  }

  @Property(tries = 1_000, seed = "20261126")
  void arbitraryBytesAreRejectedAsMalformedAndNothingElse(
      @ForAll @Size(max = 2_000) byte[] junk, @ForAll boolean plausibleHeader) {
    if (plausibleHeader && junk.length >= 4) {
      junk[0] = Frames.MAGIC_0;
      junk[1] = Frames.MAGIC_1;
      junk[2] = Frames.VERSION;
      junk[3] = (byte) (1 + (junk[3] & 1));
    }

    assertThatThrownBy(() -> Frames.decode(ByteBuffer.wrap(junk), MAX)).isInstanceOf(MalformedFrameException.class);
  }

  @Property(tries = 2_000, seed = "20261127")
  void aFragmentWithAValidChecksumIsAcceptedOnlyWhenItFitsItsMessage(
      @ForAll int id,
      @ForAll @IntRange(min = 0, max = 12_000) int total,
      @ForAll @IntRange(min = 0, max = 12) int index,
      @ForAll @IntRange(min = 0, max = 12) int count,
      @ForAll @Size(max = 3_000) byte[] payload) {
    // Random fields rarely make a valid fragment; the property says nothing unless enough of them do.
    Statistics.label("accepted").coverage(c -> c.check(true).count(n -> n >= 20));
    ByteBuffer b = ByteBuffer.allocate(Frames.FRAGMENT_HEADER + payload.length);
    b.put(Frames.MAGIC_0).put(Frames.MAGIC_1).put(Frames.VERSION).put(Frames.TYPE_FRAGMENT).putInt(0)
        .putInt(id).putInt(total).putShort((short) index).putShort((short) count).put(payload).flip();
    Frames.seal(b);

    Frame.Fragment f;
    try {
      f = (Frame.Fragment) Frames.decode(b, MAX);
    } catch (MalformedFrameException e) {
      Statistics.label("accepted").collect(false);
      return;
    }
    Statistics.label("accepted").collect(true);
    // Whatever a peer writes, an accepted fragment lies inside its message and agrees with its chunk size, so the
    // reassembler's copy can never run out of bounds.
    assertThat(f.count()).isBetween(2, Frames.MAX_FRAGMENTS);
    assertThat(f.index()).isBetween(0, f.count() - 1);
    assertThat(f.totalLength()).isBetween(f.count(), MAX);
    assertThat((long) f.offset() + f.payload().remaining()).isLessThanOrEqualTo(f.totalLength());
    assertThat((long) f.chunk() * (f.count() - 1)).isLessThan(f.totalLength());
    assertThat((long) f.chunk() * f.count()).isGreaterThanOrEqualTo(f.totalLength());
    if (f.index() < f.count() - 1) {
      assertThat(f.payload().remaining()).isEqualTo(f.chunk());
    }
  }

  private static void assertRejected(byte[] datagram, String reason) {
    assertThatThrownBy(() -> Frames.decode(ByteBuffer.wrap(datagram), MAX))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining(reason);
  }

  /** A fragment frame with the given fields and a correct checksum. */
  private static byte[] fragment(int total, int index, int count, String payload) {
    byte[] p = payload.getBytes(US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(Frames.FRAGMENT_HEADER + p.length);
    b.put(Frames.MAGIC_0).put(Frames.MAGIC_1).put(Frames.VERSION).put(Frames.TYPE_FRAGMENT).putInt(0)
        .putInt(9).putInt(total).putShort((short) index).putShort((short) count).put(p).flip();
    Frames.seal(b);
    return bytes(b);
  }

  private static byte[] wholeOf(int length) {
    byte[] d = new byte[Frames.WHOLE_HEADER + length];
    d[0] = Frames.MAGIC_0;
    d[1] = Frames.MAGIC_1;
    d[2] = Frames.VERSION;
    d[3] = Frames.TYPE_WHOLE;
    return d;
  }

  private static byte[] sealed(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    Frames.seal(b);
    return frame;
  }

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
