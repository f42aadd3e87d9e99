package dev.weft.transport.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Address;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.sim.ManualScheduler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receive path without a socket: datagrams in, messages, relayed hand-offs and malformed reports out. */
class InboundTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.7", 4000);
  private final List<String> heard = new ArrayList<>();
  private final List<String> handedOn = new ArrayList<>();
  private final Tally tally = new Tally();
  private final TransportListener listener = new TransportListener() {
    @Override
    public void onMessage(Address from, byte[] message) {
      heard.add(from + " " + new String(message));
    }

    @Override
    public void onMalformed(Address from, String reason) {
      heard.add("malformed " + from);
    }
  };
  private final Relays relays = new Relays() {
    @Override
    public List<Address> addressesFor(String token, String host) {
      return List.of();
    }

    @Override
    public boolean deliver(String token, Address from, byte[] message) {
      handedOn.add(token + " " + from + " " + new String(message));
      return token.equals("relayed-1");
    }

    @Override
    public boolean send(String token, Address to, byte[] message) {
      return false;
    }
  };
  private final Inbound inbound = new Inbound(Address.parse("udp://127.0.0.1:5000"), 1 << 16, new ManualScheduler(),
      listener, relays, new Reassembler<>(1 << 20, 1 << 20, 16, 1_000_000_000L), tally);

  private void receive(byte[] message, boolean relayed, int datagramBytes) {
    for (byte[] d : Frames.encode(message, relayed, 7, datagramBytes)) {
      inbound.handle(ByteBuffer.wrap(d), PEER);
    }
  }

  @Test
  void plainRelayedAndDamagedDatagrams() {
    receive("hello".getBytes(), false, 1200);
    receive(new Frames.Envelope("", "sender-tok").wrap("from a relayed node".getBytes()), true, 1200);
    receive(new Frames.Envelope("relayed-1", "").wrap("for a relayed node, in fragments".getBytes()), true, 30);
    receive(new Frames.Envelope("nobody-here", "").wrap("x".getBytes()), true, 1200);
    inbound.handle(ByteBuffer.wrap(new byte[] {1, 2, 3}), PEER);

    assertThat(heard).containsExactly("udp://10.0.0.7:4000 hello",
        "udp://10.0.0.7:4000/relay/sender-tok from a relayed node", "malformed udp://10.0.0.7:4000");
    assertThat(handedOn).containsExactly("relayed-1 udp://10.0.0.7:4000 for a relayed node, in fragments",
        "nobody-here udp://10.0.0.7:4000 x");
    assertThat(tally.sendDrops.sum()).as("the message for a node not relayed here").isEqualTo(1);
    assertThat(tally.malformed.sum()).isEqualTo(1);
    assertThat(tally.messagesIn.sum()).isEqualTo(4);
  }
}
