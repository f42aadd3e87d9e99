package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.sim.ManualScheduler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Admission} without a node: rates, tokens and quotas on a manual clock. */
class AdmissionTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final Stats stats = new Stats();
  private final Address a = Address.parse("udp://10.0.0.1:4000");
  private final Address b = Address.parse("udp://10.0.0.2:4000");

  private Admission admission(Map<String, String> settings) {
    return new Admission(KademliaConfig.from(WeftConfig.of(settings)), clock, stats, new SecureRandom());
  }

  @Test
  void requestRateIsPerIpAndRefills() {
    Admission adm = admission(Map.of("weft.kademlia.requests-per-ip", "5"));
    int taken = 0;
    while (adm.withinRate(a)) {
      taken++;
    }
    assertThat(taken).as("a burst of twice the rate").isEqualTo(10);
    assertThat(adm.withinRate(b)).as("another IP has its own bucket").isTrue();
    assertThat(adm.withinRate(Address.parse("udp://127.0.0.1:1"))).as("loopback is not limited").isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(adm.withinRate(a)).isTrue();
  }

  @Test
  void tokensAreGoodForTheirAddressForOneToTwoEpochs() {
    Admission adm = admission(Map.of());
    long token = adm.tokenFor(a);
    assertThat(adm.verified(a, token)).isTrue();
    assertThat(adm.verified(b, token)).as("another address").isFalse();
    assertThat(adm.verified(a, null)).as("no token").isFalse();
    clock.advance(Duration.ofMillis(AddressTokens.EPOCH_MILLIS));
    assertThat(adm.verified(a, token)).as("the next epoch").isTrue();
    clock.advance(Duration.ofMillis(AddressTokens.EPOCH_MILLIS));
    assertThat(adm.verified(a, token)).as("two epochs later").isFalse();
  }

  @Test
  void newKeysAreLimitedByStoreSizeAndPerIpQuota() {
    Admission adm = admission(Map.of("weft.storage.max-records", "100", "weft.storage.new-records-per-ip-hour", "3"));
    for (int i = 0; i < 3; i++) {
      adm.admitNewKey(a, 0);
    }
    assertThatThrownBy(() -> adm.admitNewKey(a, 0)).isInstanceOf(WeftException.class).hasMessageContaining("quota");
    adm.admitNewKey(b, 0);
    assertThatThrownBy(() -> adm.admitNewKey(b, 100)).isInstanceOf(WeftException.class).hasMessageContaining("full");
    assertThat(stats.snapshot().refused()).containsEntry("store.ip-quota", 1L).containsEntry("store.full", 1L);
    clock.advance(Duration.ofMinutes(20));
    adm.admitNewKey(a, 0);
  }
}
