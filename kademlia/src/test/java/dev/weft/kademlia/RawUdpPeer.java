package dev.weft.kademlia;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A hand-made peer on a plain UDP socket for wire-level tests: writes and reads transport-udp's whole-message frames
 * ("WF", version 1, type 1, CRC-32C, then the JSON message) and counts the bytes each way.
 */
final class RawUdpPeer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final DatagramSocket socket;
  long bytesSent;
  long bytesReceived;

  RawUdpPeer(String host) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(host, 0));
    socket.setSoTimeout(250);
  }

  String address() {
    return "udp://" + socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** Sends one JSON message; returns the message bytes (without the frame header). */
  int send(String json, SocketAddress to) throws IOException {
    byte[] message = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + message.length);
    b.put((byte) 0x57).put((byte) 0x46).put((byte) 1).put((byte) 1).putInt(0).put(message);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 4);
    crc.update(b.array(), 8, message.length);
    b.putInt(4, (int) crc.getValue());
    socket.send(new DatagramPacket(b.array(), b.capacity(), to));
    bytesSent += message.length;
    return message.length;
  }

  /** One whole-message frame received, or null after the socket's timeout; {@code from} gets the sender if given. */
  Received receive() throws IOException {
    byte[] buf = new byte[65_536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    int length = p.getLength() - 8;
    bytesReceived += length;
    if (buf[3] != 1) {
      return new Received(null, length, p.getSocketAddress());
    }
    return new Received(JSON.readTree(new String(buf, 8, length, StandardCharsets.UTF_8)), length,
        p.getSocketAddress());
  }

  /** A message, its size without the frame header, and who sent it; {@code json} is null for a fragment. */
  record Received(JsonNode json, int bytes, SocketAddress from) {}

  @Override
  public void close() {
    socket.close();
  }
}
