package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.TransportListener;
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
        UdpSettings.MAX_MESSAGE_BYTES.key(), "1MiB",
        UdpSettings.DATAGRAM_BYTES.key(), "1400",
        UdpSettings.REASSEMBLY_BYTES.key(), "32MiB",
        UdpSettings.REASSEMBLY_BYTES_PER_SOURCE.key(), "2MiB",
        UdpSettings.REASSEMBLY_MESSAGES.key(), "64",
        UdpSettings.REASSEMBLY_TIMEOUT.key(), "800ms",
        UdpSettings.RECEIVE_BUFFER_BYTES.key(), "512KiB",
        UdpSettings.SEND_BUFFER_BYTES.key(), "256KiB",
        UdpSettings.BURST_DATAGRAMS.key(), "16",
        UdpSettings.BURST_PAUSE.key(), "2ms")));

    assertThat(o).isEqualTo(new UdpOptions(1024 * 1024, 1400, 32L * 1024 * 1024, 2L * 1024 * 1024, 64,
        Duration.ofMillis(800), 512 * 1024, 256 * 1024, 16, Duration.ofMillis(2)));
    assertThat(o.cleanupPeriodNanos()).isEqualTo(400_000_000L);
  }

  @Test
  void theLimitPerSourceFollowsALargerMaximumMessageByDefault() {
    UdpOptions o = UdpOptions.from(WeftConfig.of(Map.of(UdpSettings.MAX_MESSAGE_BYTES.key(), "4MiB")));

    assertThat(o.reassemblyBytesPerSource()).isEqualTo(4L * 1024 * 1024);
    assertThat(o.reassemblyBytes()).isEqualTo(8L * 1024 * 1024);
  }

  @Test
  void aMalformedValueNamesTheKeyAndTheValue() {
    assertInvalid(UdpSettings.DATAGRAM_BYTES.key(), "big", "weft.udp.datagram-bytes", "'big'");
    assertInvalid(UdpSettings.DATAGRAM_BYTES.key(), "32", "weft.udp.datagram-bytes", "from 64 to 65507");
    assertInvalid(UdpSettings.REASSEMBLY_TIMEOUT.key(), "soon", "weft.udp.reassembly-timeout", "'soon'");
    assertInvalid(UdpSettings.REASSEMBLY_TIMEOUT.key(), "2h", "weft.udp.reassembly-timeout", "from 1ms to 1h");
    assertInvalid(UdpSettings.REASSEMBLY_MESSAGES.key(), "0", "weft.udp.reassembly-messages", "from 1 to");
    assertInvalid(UdpSettings.BURST_DATAGRAMS.key(), "0", "weft.udp.burst-datagrams", "from 1 to 65535");
    assertInvalid(UdpSettings.BURST_PAUSE.key(), "5s", "weft.udp.burst-pause", "from 1ms to 1s");
  }

  @Test
  void inconsistentSettingsNameBothKeys() {
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.MAX_MESSAGE_BYTES.key(), "512KiB", UdpSettings.REASSEMBLY_BYTES_PER_SOURCE.key(), "256KiB"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES_PER_SOURCE.key())
        .hasMessageContaining(UdpSettings.MAX_MESSAGE_BYTES.key());
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.REASSEMBLY_BYTES.key(), "1MiB", UdpSettings.REASSEMBLY_BYTES_PER_SOURCE.key(), "2MiB"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES.key() + ": '1048576'")
        .hasMessageContaining(UdpSettings.REASSEMBLY_BYTES_PER_SOURCE.key());
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(
            UdpSettings.MAX_MESSAGE_BYTES.key(), "64MiB", UdpSettings.DATAGRAM_BYTES.key(), "64"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.MAX_MESSAGE_BYTES.key())
        .hasMessageContaining(UdpSettings.DATAGRAM_BYTES.key())
        .hasMessageContaining("65535");
  }

  @Test
  void openingWithABadSettingFailsBeforeBinding() {
    TransportListener ignore = (from, m) -> {};
    WeftConfig bad = WeftConfig.of(Map.of(UdpSettings.DATAGRAM_BYTES.key(), "huge"));

    assertThatThrownBy(() -> new UdpTransportProvider()
            .open(Address.parse("udp://127.0.0.1:0"), new TestContext(bad, Scheduler.system(), ignore)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(UdpSettings.DATAGRAM_BYTES.key());
  }

  private static void assertInvalid(String key, String value, String... fragments) {
    assertThatThrownBy(() -> UdpOptions.from(WeftConfig.of(Map.of(key, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(fragments);
  }
}
