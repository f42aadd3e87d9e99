package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.RelayingTransport;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.transport.udp.UdpTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Relay addresses over real UDP sockets: a super-node's transport takes datagrams for the nodes it relays and hands
 * them to its {@link Relays}; it sends for them so that peers see them come from their relay address.
 */
class UdpRelayTest {
  private static final String TOKEN = "relayed-node-1";
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** What reached a listener or the super-node's switchboard. */
  private record Got(String token, Address from, byte[] message) {}

  private final List<Got> heardByPeer = new CopyOnWriteArrayList<>();
  private final List<Got> heardBySuper = new CopyOnWriteArrayList<>();
  private final List<Got> handedToRelayed = new CopyOnWriteArrayList<>();
  private UdpTransport peer;
  private UdpTransport superNode;

  private static TransportContext context(TransportListener listener, Relays relays) {
    return new TestContext(WeftConfig.empty(), Scheduler.system(), listener, relays);
  }

  private void open(String superBind) throws IOException {
    Relays switchboard = new Relays() {
      @Override
      public List<Address> addressesFor(String token, String host) {
        return List.of();
      }

      @Override
      public boolean deliver(String token, Address from, byte[] message) {
        if (!token.equals(TOKEN)) {
          return false;
        }
        handedToRelayed.add(new Got(token, from, message));
        return true;
      }

      @Override
      public boolean send(String token, Address to, byte[] message) {
        return false;
      }
    };
    peer = new UdpTransportProvider().open(Address.parse("udp://127.0.0.1:0"),
        context((from, m) -> heardByPeer.add(new Got("", from, m)), Relays.none()));
    superNode = new UdpTransportProvider().open(Address.parse(superBind),
        context((from, m) -> heardBySuper.add(new Got("", from, m)), switchboard));
  }

  @AfterEach
  void close() {
    if (peer != null) {
      peer.close();
    }
    if (superNode != null) {
      superNode.close();
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void messagesToARelayAddressReachTheRelayedNodeWholeOrFragmented() throws IOException {
    open("udp://127.0.0.1:0");
    Address relayed = ((RelayingTransport) superNode).relayAddress(TOKEN, "10.9.9.9").orElseThrow();
    assertThat(relayed.toString()).isEqualTo("udp://127.0.0.1:" + superNode.localAddresses().get(0).port()
        + "/relay/" + TOKEN);
    byte[] small = bytes(100, 1);
    byte[] large = bytes(20_000, 2);
    peer.send(relayed, small);
    peer.send(relayed, large);

    await().atMost(WAIT).until(() -> handedToRelayed.size() == 2);
    assertThat(handedToRelayed).extracting(Got::message).containsExactlyInAnyOrder(small, large);
    assertThat(handedToRelayed).extracting(Got::from).containsOnly(peer.localAddresses().get(0));
    assertThat(heardBySuper).as("nothing for the super-node itself").isEmpty();
  }

  @Test
  void whatASuperNodeSendsForARelayedNodeComesFromItsRelayAddress() throws IOException {
    open("udp://127.0.0.1:0");
    RelayingTransport s = (RelayingTransport) superNode;
    byte[] small = bytes(50, 3);
    byte[] large = bytes(5_000, 4);
    s.sendFor(TOKEN, peer.localAddresses().get(0), small);
    s.sendFor(TOKEN, peer.localAddresses().get(0), large);

    await().atMost(WAIT).until(() -> heardByPeer.size() == 2);
    Address expected = Relays.address(superNode.localAddresses().get(0), TOKEN);
    assertThat(heardByPeer).extracting(Got::from).containsOnly(expected);
    assertThat(heardByPeer).extracting(Got::message).containsExactlyInAnyOrder(small, large);

    // From one relayed node to another behind a second super-node: both tokens travel.
    s.sendFor(TOKEN, Relays.address(peer.localAddresses().get(0), "other-node-2"), small);
    await().atMost(WAIT).until(() -> peer.counters().sendDrops() + peer.counters().messagesIn() >= 3);
    assertThat(heardByPeer).as("a message for a node the peer does not relay is not the peer's").hasSize(2);
  }

  @Test
  void aWildcardSuperNodeGivesTheHostItWasReachedBy() throws IOException {
    open("udp://0.0.0.0:0");
    int port = superNode.localAddresses().get(0).port();
    assertThat(((RelayingTransport) superNode).relayAddress(TOKEN, "127.0.0.1"))
        .contains(Address.parse("udp://127.0.0.1:" + port + "/relay/" + TOKEN));
  }

  @Test
  void unknownTokensAreDroppedAndBadAddressesRefused() throws IOException {
    open("udp://127.0.0.1:0");
    Address unknown = Relays.address(superNode.localAddresses().get(0), "nobody-here");
    peer.send(unknown, bytes(10, 5));
    await().atMost(WAIT).until(() -> superNode.counters().messagesIn() == 1);
    assertThat(handedToRelayed).isEmpty();
    assertThat(heardBySuper).isEmpty();
    assertThat(superNode.counters().sendDrops()).isEqualTo(1);

    Address bad = Address.parse("udp://127.0.0.1:" + superNode.localAddresses().get(0).port() + "/weft");
    assertThatThrownBy(() -> peer.send(bad, new byte[1])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a node address");
    Address shortToken = Address.parse("udp://127.0.0.1:1/relay/abc");
    assertThatThrownBy(() -> peer.send(shortToken, new byte[1])).isInstanceOf(IllegalArgumentException.class);
  }
}
