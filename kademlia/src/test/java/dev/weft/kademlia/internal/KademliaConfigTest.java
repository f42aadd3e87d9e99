package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.kademlia.KademliaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings whose defaults follow others. */
class KademliaConfigTest {
  @Test
  void theDeclaredWriteQuorumIsTheOneComputedFromTheDefaults() {
    KademliaConfig defaults = KademliaConfig.from(WeftConfig.empty());
    assertThat(defaults.writeQuorum()).isEqualTo(defaults.replication() - defaults.readQuorum() + 1)
        .isEqualTo(KademliaSettings.WRITE_QUORUM.defaultValue().orElseThrow());
  }

  @Test
  void unsetTheWriteQuorumFollowsReplicationAndReadQuorum() {
    KademliaConfig c = KademliaConfig.from(WeftConfig.of(Map.of("weft.kademlia.replication", "4",
        "weft.kademlia.read-quorum", "2")));
    assertThat(c.writeQuorum()).isEqualTo(3);
    assertThat(KademliaConfig.from(WeftConfig.of(Map.of("weft.kademlia.replication", "4",
        "weft.kademlia.write-quorum", "4"))).writeQuorum()).isEqualTo(4);
  }

  @Test
  void aWriteQuorumAboveTheReplicationIsRefused() {
    assertThatThrownBy(() -> KademliaConfig.from(WeftConfig.of(Map.of("weft.kademlia.replication", "4",
        "weft.kademlia.write-quorum", "5"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.write-quorum")
        .hasMessageContaining("must not exceed");
  }
}
