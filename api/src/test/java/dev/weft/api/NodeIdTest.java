package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NodeIdTest {
  @Provide
  Arbitrary<NodeId> ids() {
    return Arbitraries.bytes().array(byte[].class).ofSize(NodeId.BYTES).map(NodeId::of);
  }

  private static BigInteger value(NodeId id) {
    return new BigInteger(1, id.toBytes());
  }

  @Property
  void hexRoundTrips(@ForAll("ids") NodeId id) {
    assertThat(NodeId.fromHex(id.toHex())).isEqualTo(id);
    assertThat(NodeId.fromHex(id.toHex().toUpperCase())).isEqualTo(id);
  }

  @Property
  void xorDistanceIsAMetric(@ForAll("ids") NodeId a, @ForAll("ids") NodeId b, @ForAll("ids") NodeId c) {
    BigInteger ab = value(a.xor(b));
    assertThat(ab).isEqualTo(value(b.xor(a)));
    assertThat(value(a.xor(a))).isEqualTo(BigInteger.ZERO);
    // Triangle inequality holds for XOR: d(a,c) <= d(a,b) + d(b,c).
    assertThat(value(a.xor(c))).isLessThanOrEqualTo(ab.add(value(b.xor(c))));
  }

  @Property
  void compareDistanceAgreesWithNumericXor(@ForAll("ids") NodeId target, @ForAll("ids") NodeId a,
      @ForAll("ids") NodeId b) {
    int expected = Integer.signum(value(target.xor(a)).compareTo(value(target.xor(b))));
    assertThat(Integer.signum(target.compareDistance(a, b))).isEqualTo(expected);
  }

  @Property
  void bucketIndexIsHighestDifferingBit(@ForAll("ids") NodeId a, @ForAll("ids") NodeId b) {
    BigInteger d = value(a.xor(b));
    assertThat(a.bucketIndex(b)).isEqualTo(d.signum() == 0 ? -1 : d.bitLength() - 1);
    assertThat(a.commonPrefixLength(b)).isEqualTo(NodeId.BITS - 1 - a.bucketIndex(b));
  }

  @Property
  void randomInBucketLandsInThatBucket(@ForAll("ids") NodeId self, @ForAll @IntRange(min = 0, max = 159) int bucket,
      @ForAll long seed) {
    NodeId r = self.randomInBucket(bucket, new Random(seed));
    assertThat(self.bucketIndex(r)).isEqualTo(bucket);
  }

  @Property
  void namespaceBitsComeFromTheNamespace(@ForAll @IntRange(min = 0, max = 160) int bits) {
    NodeId a = NodeId.forKey("users", "alice", bits);
    NodeId b = NodeId.forKey("users", "bob", bits);
    assertThat(a.commonPrefixLength(b)).isGreaterThanOrEqualTo(bits);
    assertThat(NodeId.forKey("users", "alice", bits)).isEqualTo(a);
  }

  @Test
  void namespaceAndKeyAreSeparated() {
    assertThat(NodeId.forKey("a", "bc", 0)).isNotEqualTo(NodeId.forKey("ab", "c", 0));
  }

  @Test
  void zeroNamespaceBitsSpreadKeysOfOneNamespace() {
    NodeId a = NodeId.forKey("users", "alice", 0);
    NodeId b = NodeId.forKey("users", "bob", 0);
    assertThat(a.commonPrefixLength(b)).isLessThan(20);
  }

  @Test
  void badInputIsRejectedClearly() {
    assertThatThrownBy(() -> NodeId.fromHex("abc")).hasMessageContaining("40 hex digits");
    assertThatThrownBy(() -> NodeId.fromHex("zz" + "0".repeat(38))).hasMessageContaining("not a hexadecimal");
    assertThatThrownBy(() -> NodeId.of(new byte[3])).hasMessageContaining("20 bytes");
    assertThatThrownBy(() -> NodeId.forKey("n", "k", 161)).hasMessageContaining("0..160");
  }
}
