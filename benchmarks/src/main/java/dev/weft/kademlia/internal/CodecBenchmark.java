package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding the UDP wire messages a busy node handles most: the answer to FIND_NODE with 20 contacts, a
 * STORE of a 200-byte value and the answer to a get (VALUE) carrying that value. In this package because the codec is
 * package-private; it uses only the codec's encode/decode and the message's fields, which the wire format fixes.
 *
 * <pre>benchmarks/jmh.sh Codec</pre>
 *
 * <p>Public and not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
  @Param({"NODES_20", "STORE_200", "VALUE_200"})
  public String message;

  private Codec codec;
  private Envelope decoded;
  private byte[] encoded;

  @Setup
  public void setUp() throws MalformedMessageException {
    codec = new Codec(64 * 1024);
    Random random = new Random(1);
    NodeId self = NodeId.random(random);
    List<Address> selfAddrs = List.of(Address.parse("udp://127.0.0.1:40001"));
    List<Contact> nodes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      nodes.add(new Contact(NodeId.random(random), List.of(Address.parse("udp://127.0.0.1:" + (41000 + i)))));
    }
    Message body = switch (message) {
      case "NODES_20" -> new Message.Nodes(nodes);
      case "STORE_200" -> new Message.Store(record(random, self));
      case "VALUE_200" -> new Message.Value(record(random, self));
      default -> throw new IllegalArgumentException("unknown message " + message);
    };
    Envelope m = new Envelope(random.nextLong(), self, selfAddrs, null, body);
    decoded = m;
    encoded = codec.encode(m);
    codec.decode(encoded); // fails the run now rather than measuring an exception path
  }

  /** A 200-byte JSON string value, as ClusterBenchmark and the OpenDHT comparison store. */
  private static Record record(Random random, NodeId publisher) {
    char[] pad = new char[198];
    Arrays.fill(pad, 'x');
    byte[] value = ('"' + new String(pad) + '"').getBytes(StandardCharsets.UTF_8);
    return Record.value("bench", "key-" + random.nextInt(1000), value,
        new Version(1_795_000_000_000L, random.nextLong() & Long.MAX_VALUE), 1_795_086_400_000L, publisher);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(decoded);
  }

  @Benchmark
  public Object decode() throws MalformedMessageException {
    return codec.decode(encoded);
  }
}
