package dev.weft.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testkit.Memory;
import dev.weft.testkit.Mutator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Any binary frame given to {@link Frames#decode} is a frame that re-encodes to one decoding the same, or an
 * {@link IllegalArgumentException} (the DHT endpoint's rejection: counted as malformed, the connection stays). The
 * {@code @FuzzTest} runs its seeds in every build and fuzzes with {@code JAZZER_FUZZ=1} (docs/reliability.md).
 */
class WsFramesFuzzTest {
  @FuzzTest
  void decode(byte[] data) {
    Frames.Frame f;
    try {
      f = Frames.decode(ByteBuffer.wrap(data));
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(f.first().length()).isLessThanOrEqualTo(Frames.MAX_TEXT);
    assertThat(f.second().length()).isLessThanOrEqualTo(Frames.MAX_TEXT);
    assertThat(f.payload().length).isLessThan(data.length);
    if (utf8(f.first()) > Frames.MAX_TEXT || utf8(f.second()) > Frames.MAX_TEXT) {
      return; // bytes that are not UTF-8 became U+FFFD, 3 bytes each: this frame has no re-encoding
    }
    Frames.Frame again = Frames.decode(encode(f));
    assertThat(again.type()).isEqualTo(f.type());
    assertThat(again.first()).isEqualTo(f.first());
    assertThat(again.second()).isEqualTo(f.second());
    assertThat(again.payload()).isEqualTo(f.payload());
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static ByteBuffer encode(Frames.Frame f) {
    return switch (f.type()) {
      case Frames.MSG -> Frames.msg(f.first(), f.second(), f.payload());
      case Frames.OUT -> Frames.out(f.first(), f.payload());
      default -> Frames.hello(f.first(), f.second().isEmpty() ? List.of() : List.of(f.second()));
    };
  }

  static List<byte[]> seeds() {
    byte[] payload = "{\"v\":1,\"t\":\"PING\"}".getBytes(StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    for (ByteBuffer b : List.of(Frames.msg("", "", payload), Frames.msg("ws://10.0.0.1:80/dht", "t0k3n", payload),
        Frames.out("udp://127.0.0.1:4000", payload), Frames.hello("ws://127.0.0.1:9/dht#relayed", List.of()),
        Frames.hello("ws://127.0.0.1:9/relay/abcdefgh", List.of("udp://127.0.0.1:4000/relay/abcdefgh")))) {
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      out.add(bytes);
    }
    return out;
  }

  @Test
  void seededMutationsAreDecodedOrRejected() {
    Mutator mutator = new Mutator(20261124, seeds());
    for (int i = 0; i < 100_000; i++) {
      decode(mutator.next());
    }
  }

  /** Declared text lengths up to 65,535 over frames that hold less: refused before anything is allocated for them. */
  @Test
  void declaredLengthsBeyondTheFrameAllocateNothing() throws Exception {
    List<byte[]> hostile = List.of(new byte[] {Frames.MSG, (byte) 0xFF, (byte) 0xFF, 'a'},
        new byte[] {Frames.OUT, 0x04, 0x01, 'a', 'b'}, new byte[] {Frames.HELLO, (byte) 0x80, 0x00},
        new byte[] {Frames.MSG, 0, 0, (byte) 0xFF, (byte) 0xFF});
    for (byte[] h : hostile) {
      assertThatThrownBy(() -> Frames.decode(ByteBuffer.wrap(h))).isInstanceOf(IllegalArgumentException.class);
    }
    long before = Memory.usedAfterGc();
    long allocated = Memory.allocatedBy(() -> {
      for (int i = 0; i < 10_000; i++) {
        try {
          Frames.decode(ByteBuffer.wrap(hostile.get(i % hostile.size())));
        } catch (IllegalArgumentException e) {
          // expected
        }
      }
    });
    // The rejection's exception and its stack trace (~2 KiB), not the up to 64 KiB the frames declare.
    assertThat(allocated / 10_000).as("bytes allocated per hostile frame").isLessThan(8 * 1024);
    assertThat(Memory.usedAfterGc() - before).as("heap growth").isLessThan(1024 * 1024);
  }
}
