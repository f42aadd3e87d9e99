package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Limits, timeouts and duplicates of the reassembler, with time passed in by hand. */
class ReassemblerTest {
  private static final int MAX = 256 * 1024;
  private static final int DATAGRAM = 120;
  private static final long SECOND = 1_000_000_000L;
  private static final long TIMEOUT = 5 * SECOND;

  @Test
  void fragmentsInAnyOrderMakeTheMessageAndNothingIsHeldAfterwards() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    byte[] m = message(1000, 1);
    List<Frame.Fragment> fs = fragments(m, 5);
    Collections.reverse(fs);

    List<byte[]> done = feed(r, "a", fs, 0);

    assertThat(done).singleElement().isEqualTo(m);
    assertThat(r.stats()).extracting("partialMessages", "partialBytes").containsExactly(0, 0L);
  }

  @Test
  void aPartialMessageHoldsItsFullLengthUntilComplete() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    List<Frame.Fragment> fs = fragments(message(1000, 1), 5);

    r.accept("a", fs.get(0), 0);

    assertThat(r.stats()).extracting("partialMessages", "partialBytes").containsExactly(1, 1000L);
  }

  @Test
  void aMessageNotCompleteWithinTheTimeoutIsDropped() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    List<Frame.Fragment> fs = fragments(message(1000, 1), 5);
    r.accept("a", fs.get(0), 0);

    assertThat(r.expire(TIMEOUT)).as("at the timeout exactly").isZero();
    assertThat(r.expire(TIMEOUT + 1)).isOne();

    assertThat(r.stats()).extracting("partialMessages", "partialBytes", "timedOut").containsExactly(0, 0L, 1L);
    // The rest arriving late makes a new partial message that cannot complete: the first fragment is gone.
    assertThat(feed(r, "a", fs.subList(1, fs.size()), TIMEOUT + 2)).isEmpty();
    assertThat(r.stats().partialMessages()).isOne();
  }

  @Test
  void aFragmentArrivingAfterTheTimeoutReplacesTheStalePartialMessage() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    List<Frame.Fragment> fs = fragments(message(1000, 1), 5);
    r.accept("a", fs.get(0), 0);

    r.accept("a", fs.get(1), TIMEOUT + 1);

    assertThat(r.stats()).extracting("partialMessages", "partialBytes", "timedOut").containsExactly(1, 1000L, 1L);
  }

  @Test
  void aSourceOverItsLimitLosesItsOwnOldestPartialMessage() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 2_000, 100, TIMEOUT);
    Frame.Fragment a1 = fragments(message(1000, 1), 1).get(0);
    Frame.Fragment b1 = fragments(message(1000, 2), 2).get(0);
    Frame.Fragment a2 = fragments(message(1000, 3), 3).get(0);
    Frame.Fragment a3 = fragments(message(1000, 4), 4).get(0);
    r.accept("a", a1, 0);
    r.accept("b", b1, 1);
    r.accept("a", a2, 2);

    r.accept("a", a3, 3);

    assertThat(r.stats()).extracting("partialMessages", "partialBytes", "evicted").containsExactly(3, 3000L, 1L);
    // b's message survived: its remaining fragments complete it.
    byte[] m2 = message(1000, 2);
    assertThat(feed(r, "b", allButFirst(fragments(m2, 2)), 4)).singleElement().isEqualTo(m2);
    // a's first message is gone: its remaining fragments do not complete it.
    assertThat(feed(r, "a", allButFirst(fragments(message(1000, 1), 1)), 5)).isEmpty();
  }

  @Test
  void overTheGlobalByteLimitTheOldestPartialMessageGoes() throws Exception {
    Reassembler<String> r = new Reassembler<>(2_500, 2_500, 100, TIMEOUT);
    r.accept("a", fragments(message(1000, 1), 1).get(0), 0);
    r.accept("b", fragments(message(1000, 2), 2).get(0), 1);

    r.accept("c", fragments(message(1000, 3), 3).get(0), 2);

    assertThat(r.stats()).extracting("partialMessages", "partialBytes", "evicted").containsExactly(2, 2000L, 1L);
    assertThat(feed(r, "a", allButFirst(fragments(message(1000, 1), 1)), 3)).isEmpty();
  }

  @Test
  void overTheMessageLimitTheOldestPartialMessageGoes() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 2, TIMEOUT);
    r.accept("a", fragments(message(300, 1), 1).get(0), 0);
    r.accept("b", fragments(message(300, 2), 2).get(0), 1);

    r.accept("c", fragments(message(300, 3), 3).get(0), 2);

    assertThat(r.stats()).extracting("partialMessages", "evicted").containsExactly(2, 1L);
  }

  @Test
  void overTheMessageLimitTheSourceHoldingTheMostLosesItsOldest() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 4, TIMEOUT);
    byte[] honest = message(300, 1);
    r.accept("a", fragments(honest, 1).get(0), 0);
    // A flood of tiny partial messages from one source (found while writing UdpFuzzTest): each new one now pushes out the
    // flooder's own oldest, where it used to push out the oldest overall, a's.
    for (int id = 0; id < 1000; id++) {
      r.accept("evil", tiny(id), id + 1);
    }

    assertThat(r.stats()).extracting("partialMessages", "evicted").containsExactly(4, 997L);
    assertThat(feed(r, "a", allButFirst(fragments(honest, 1)), 2000)).singleElement().isEqualTo(honest);
  }

  @Test
  void aFragmentThatDisagreesWithItsMessageIsRejectedAndTheMessageStillCompletes() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    byte[] m = message(1000, 1);
    List<Frame.Fragment> fs = fragments(m, 7);
    r.accept("a", fs.get(0), 0);
    Frame.Fragment impostor = fragments(message(1500, 2), 7).get(1);

    assertThatThrownBy(() -> r.accept("a", impostor, 1))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("disagrees");

    assertThat(feed(r, "a", fs.subList(1, fs.size()), 2)).singleElement().isEqualTo(m);
  }

  @Test
  void duplicatesOfACompletedMessageAreIgnoredWithinTheTimeout() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    byte[] m = message(1000, 1);
    List<Frame.Fragment> fs = fragments(m, 3);
    assertThat(feed(r, "a", fs, 0)).hasSize(1);

    assertThat(feed(r, "a", fs, TIMEOUT)).as("a whole second copy of every fragment").isEmpty();

    assertThat(r.stats()).extracting("partialMessages", "duplicates").containsExactly(0, (long) fs.size());
  }

  @Test
  void theSameIdFromTwoSourcesIsTwoMessages() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    byte[] fromA = message(1000, 1);
    byte[] fromB = message(1000, 2);
    List<Frame.Fragment> fa = fragments(fromA, 9);
    List<Frame.Fragment> fb = fragments(fromB, 9);
    List<byte[]> done = new ArrayList<>();

    for (int i = 0; i < fa.size(); i++) {
      done.addAll(feed(r, "a", List.of(fa.get(i)), i));
      done.addAll(feed(r, "b", List.of(fb.get(i)), i));
    }

    assertThat(done).containsExactly(fromA, fromB);
  }

  @Test
  void aMessageLargerThanTheLimitPerSourceIsRejected() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 500, 10, TIMEOUT);

    assertThatThrownBy(() -> r.accept("a", fragments(message(1000, 1), 1).get(0), 0))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("reassembly limit");
    assertThat(r.stats().partialMessages()).isZero();
  }

  @Test
  void clearDropsEverything() throws Exception {
    Reassembler<String> r = new Reassembler<>(1 << 20, 1 << 20, 10, TIMEOUT);
    r.accept("a", fragments(message(1000, 1), 1).get(0), 0);

    r.clear();

    assertThat(r.stats()).extracting("partialMessages", "partialBytes").containsExactly(0, 0L);
  }

  @Property(tries = 200, seed = "20261128")
  void interleavedMessagesFromManySourcesAllCompleteWithinTheLimits(
      @ForAll @Size(min = 1, max = 8) List<@Size(min = 1, max = 3_000) byte[]> messages,
      @ForAll @IntRange(min = 1, max = 3) int sources,
      @ForAll long seed) throws Exception {
    Random random = new Random(seed);
    long room = 0;
    List<Object[]> arrivals = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String source = "s" + (i % sources);
      // Ids repeat across sources on purpose: (source, id) is the key.
      for (byte[] datagram : Frames.encode(messages.get(i), i / sources, DATAGRAM)) {
        for (int copies = 1 + random.nextInt(2); copies > 0; copies--) {
          arrivals.add(new Object[] {source, datagram});
        }
      }
      room += messages.get(i).length;
    }
    Collections.shuffle(arrivals, random);
    Reassembler<String> r = new Reassembler<>(room, room, messages.size(), TIMEOUT);

    List<byte[]> done = new ArrayList<>();
    for (Object[] a : arrivals) {
      Frame frame = Frames.decode(ByteBuffer.wrap((byte[]) a[1]), MAX);
      if (frame instanceof Frame.Fragment f) {
        byte[] m = r.accept((String) a[0], f, 0);
        if (m != null) {
          done.add(m);
        }
      }
    }

    List<byte[]> fragmented = messages.stream().filter(m -> m.length > Frames.wholeCapacity(DATAGRAM)).toList();
    assertThat(done).usingElementComparator(java.util.Arrays::compare).containsExactlyInAnyOrderElementsOf(fragmented);
    assertThat(r.stats()).extracting("partialMessages", "partialBytes", "evicted").containsExactly(0, 0L, 0L);
  }

  private static List<byte[]> feed(Reassembler<String> r, String source, List<Frame.Fragment> fs, long now)
      throws MalformedFrameException {
    List<byte[]> done = new ArrayList<>();
    for (Frame.Fragment f : fs) {
      byte[] m = r.accept(source, f, now);
      if (m != null) {
        done.add(m);
      }
    }
    return done;
  }

  /** The first fragment of a two-byte message in two fragments: the cheapest partial message to open. */
  private static Frame.Fragment tiny(int id) throws MalformedFrameException {
    return (Frame.Fragment) Frames.decode(ByteBuffer.wrap(UdpFuzzTest.fragment(id, 2, 0, 2, new byte[1])), MAX);
  }

  private static List<Frame.Fragment> allButFirst(List<Frame.Fragment> fs) {
    return fs.subList(1, fs.size());
  }

  /** The fragments of {@code m} in datagrams of {@value #DATAGRAM} bytes, decoded. */
  private static List<Frame.Fragment> fragments(byte[] m, int id) throws MalformedFrameException {
    List<Frame.Fragment> out = new ArrayList<>();
    for (byte[] d : Frames.encode(m, id, DATAGRAM)) {
      out.add((Frame.Fragment) Frames.decode(ByteBuffer.wrap(d), MAX));
    }
    return out;
  }

  private static byte[] message(int length, long seed) {
    byte[] m = new byte[length];
    new Random(seed).nextBytes(m);
    return m;
  }
}
