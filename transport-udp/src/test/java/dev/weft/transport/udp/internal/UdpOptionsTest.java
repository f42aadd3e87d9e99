package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.TransportListener;
import dev.weft.transport.udp.UdpSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the {@code weft.udp.*} settings, and the errors users see when they are wrong. */
class UdpOptionsTest {
  @Test
  void defaults() {
    UdpOptions o = UdpOptions.from(WeftConfig.empty());

    assertThat(o.maxMessageBytes()).isEqualTo(256 * 1024);
    assertThat(o.datagramBytes()).isEqualTo(1200);
    assertThat(o.reassemblyBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(o.reassemblyBytesPerSource()).isEqualTo(1024L * 1024);
    assertThat(o.reassemblyMessages()).isEqualTo(1024);
    assertThat(o.reassemblyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.receiveBufferBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(o.sendBufferBytes()).isEqualTo(1024 * 1024);
    assertThat(o.burstDatagrams()).isEqualTo(64);
    assertThat(o.burstPause()).isEqualTo(Duration.ofMillis(1));
    assertThat(o.cleanupPeriodNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void everySettingIsRead() {
    UdpOptions o = UdpOptions.from(WeftConfig.of(Map.of(
        UdpSettings.MAX_MESSAGE_BYTES, "1MiB",
        UdpSettings.DATAGRAM_BYTES, "1400",
        UdpSettings.REASSEMBLY_BYTES, "32MiB",
        UdpSettings.REASSEMBLY_BYTES_PER_SOURCE, "2MiB",
        UdpSettings.REASSEMBLY_MESSAGES, "64",
        UdpSettings.REASSEMBLY_TIMEOUT, "800ms",
        UdpSettings.RECEIVE_BUFFER_BYTES, "512KiB",
        UdpSettings.SEND_BUFFER_BYTES, "256KiB",
        UdpSettings.BURST_DATAGRAMS, "16",
        UdpSettings.BURST_PAUSE, "2ms")));

    assertThat(o).isEqualTo(new UdpOptions(1024 * 1024, 1400, 32L * 1024 * 1024, 2L * 1024 * 1024, 64,
        Duration.ofMillis(800), 512 * 1024, 256 * 1024, 16, Duration.ofMillis(2)));
    assertThat(o.cleanupPeriodNanos()).isEqualTo(400_000_000L);
  }

  @Test
  void theLimitPerSourceFollowsALargerMaximumMessageByDefault() {
    UdpOptions o = UdpOptions.from(WeftConfig.of(Map.of(UdpSettings.MAX_MESSAGE_BYTES, "4MiB")));

    assertThat(o.reassemblyBytesPerSource()).isEqualTo(4L * 1024 * 1024);
    assertThat(o.reassemblyBytes()).isEqualTo(8L * 1024 * 1024);
  }

  @Test
  void aMalformedValueNamesTheKeyAndTheValue() {
    assertInvalid(UdpSettings.DATAGRAM_BYTES, "big", "weft.udp.datagram-bytes", "'big'");
    assertInvalid(UdpSettings.DATAGRAM_BYTES, "32", "weft.udp.datagram-bytes", "from 64 to 65507");
    assertInvalid(UdpSettings.REASSEMBLY_TIMEOUT, "soon", "weft.udp.reassembly-timeout", "'soon'");
    assertInvalid(UdpSettings.REASSEMBLY_TIMEOUT, "2h", "weft.udp.reassembly-timeout", "at most 1h");
    assertInvalid(UdpSettings.REASSEMBLY_MESSAGES, "0", "weft.udp.reassembly-messages", "from 1 to");
    assertInvalid(UdpSettings.BURST_DATAGRAMS, "0", "weft.udp.burst-datagrams", "from 1 to 65535");
    assertInvalid(UdpSettings.BURST_PAUSE, "5s", "weft.udp.burst-pause", "at most 1s");
  }

  @Test
  void inconsistentSettingsNameBothKeys() {
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.MAX_MESSAGE_BYTES, "512KiB", UdpSettings.REASSEMBLY_BYTES_PER_SOURCE, "256KiB"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES_PER_SOURCE)
        .hasMessageContaining(UdpSettings.MAX_MESSAGE_BYTES);
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.REASSEMBLY_BYTES, "1MiB", UdpSettings.REASSEMBLY_BYTES_PER_SOURCE, "2MiB"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES + ": '1048576'")
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES_PER_SOURCE);
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.MAX_MESSAGE_BYTES, "64MiB", UdpSettings.DATAGRAM_BYTES, "64"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.MAX_MESSAGE_BYTES)
        .hasMessageContaining(UdpSettings.DATAGRAM_BYTES)
        .hasMessageContaining("65535");
  }

  @Test
  void openingWithABadSettingFailsBeforeBinding() {
    TransportListener ignore = (from, m) -> {};
    WeftConfig bad = WeftConfig.of(Map.of(UdpSettings.DATAGRAM_BYTES, "huge"));

    assertThatThrownBy(() -> new UdpTransportProvider()
            .open(Address.parse("udp://127.0.0.1:0"), new TestContext(bad, Scheduler.system(), ignore)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.DATAGRAM_BYTES);
  }

  private static void assertInvalid(String key, String value, String... fragments) {
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(key, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(fragments);
  }
}
