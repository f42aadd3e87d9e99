package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordSignerTest {
  private static final Version V = new Version(0x1a20a7d32b40000L, 42);
  private static final byte[] VALUE = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
  private final RecordSigner owner = RecordSigner.generate();
  private final NodeId pub = NodeId.random(new Random(1));

  @Test
  void signsAndVerifiesWhatItSigned() {
    String ns = owner.namespace("notes");
    byte[] sig = owner.sign(ns, "k", V, 1000, false, VALUE);
    assertThat(sig).hasSize(RecordSigner.SIGNATURE_BYTES);
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, sig)).isTrue();
    byte[] tomb = owner.sign(owner.namespace(), "k", V, 1000, true, new byte[0]);
    assertThat(RecordSigner.verify(owner.namespace(), "k", V, 1000, true, new byte[0], tomb)).isTrue();
  }

  @Test
  void anyChangeToTheSignedFieldsFailsVerification() {
    String ns = owner.namespace("notes");
    byte[] sig = owner.sign(ns, "k", V, 1000, false, VALUE);
    assertThat(RecordSigner.verify(owner.namespace("notez"), "k", V, 1000, false, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k2", V, 1000, false, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", new Version(V.timestamp() + 1, 42), 1000, false, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", new Version(V.timestamp(), 43), 1000, false, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", V, 1001, false, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, true, VALUE, sig)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, "{\"text\":\"ho\"}".getBytes(StandardCharsets.UTF_8),
        sig)).isFalse();
    byte[] flipped = sig.clone();
    flipped[10] ^= 1;
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, flipped)).isFalse();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, new byte[63])).isFalse();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, null)).isFalse();
    // Another key's signature over the same bytes, and a plain namespace, never verify.
    RecordSigner other = RecordSigner.generate();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, other.sign(other.namespace("notes"), "k", V, 1000,
        false, VALUE))).isFalse();
    assertThat(RecordSigner.verify("notes", "k", V, 1000, false, VALUE, sig)).isFalse();
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    // ("ab", "c") and ("a", "bc") would be the same bytes without length prefixes.
    byte[] sig = owner.sign(owner.namespace("ab"), "c", V, 1000, false, VALUE);
    assertThat(RecordSigner.verify(owner.namespace("a"), "bc", V, 1000, false, VALUE, sig)).isFalse();
    byte[] empty = owner.sign(owner.namespace("n"), "", V, 1000, false, "\"\"".getBytes(StandardCharsets.UTF_8));
    assertThat(RecordSigner.verify(owner.namespace("n"), "\"", V, 1000, false, "\"".getBytes(StandardCharsets.UTF_8),
        empty)).isFalse();
  }

  @Test
  void refusesToSignOutsideItsNamespaces() {
    assertThatThrownBy(() -> owner.sign("notes", "k", V, 1000, false, VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(owner.namespace());
    assertThatThrownBy(() -> owner.sign(RecordSigner.generate().namespace("x"), "k", V, 1000, false, VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> owner.namespace("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theNamespaceNamesItsKey() {
    String ns = owner.namespace("notes/2026");
    assertThat(ns).startsWith("@").hasSize(1 + 43 + 1 + 10);
    assertThat(RecordSigner.owner(ns)).hasValueSatisfying(k -> assertThat(k).isEqualTo(owner.publicKey()));
    assertThat(RecordSigner.owner(owner.namespace())).hasValueSatisfying(k -> assertThat(k).isEqualTo(owner.publicKey()));
    assertThat(owner.owns(ns)).isTrue();
    assertThat(owner.owns(owner.namespace())).isTrue();
    assertThat(RecordSigner.generate().owns(ns)).isFalse();
  }

  @Test
  void onlyWellFormedOwnedNamespacesHaveAnOwner() {
    String key = owner.namespace().substring(1);
    assertThat(RecordSigner.owner("notes")).isEmpty();
    assertThat(RecordSigner.owner("@")).isEmpty();
    assertThat(RecordSigner.owner("@" + key + "/")).isEmpty();        // an empty name
    assertThat(RecordSigner.owner("@" + key + "x")).isEmpty();        // too long
    assertThat(RecordSigner.owner("@" + key.substring(1))).isEmpty(); // too short
    assertThat(RecordSigner.owner("@" + key.substring(0, 42) + "*")).isEmpty(); // not base64url
    // The last character carries 4 bits of the key and 2 unused ones: a second spelling of the same key is refused.
    char last = key.charAt(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    assertThat(RecordSigner.owner("@" + key.substring(0, 42) + sibling)).isEmpty();
    assertThat(RecordSigner.isOwned("@anything")).isTrue();
    assertThat(RecordSigner.isOwned("notes@x")).isFalse();
  }

  /** Computed independently with Node.js's WebCrypto (weft.js's RecordSigner): Ed25519 signatures are deterministic. */
  @Test
  void matchesTheTestVector() {
    RecordSigner s = RecordSigner.fromPrivateKey(Base64.getDecoder().decode(
        "MC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f")); // private key bytes 00 01 .. 1f
    String ns = s.namespace("n \u00e9");
    assertThat(ns).isEqualTo("@A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg/n \u00e9");
    Version v = Version.parse("1a20a7d32b40000-0102030405060708");
    assertThat(Base64.getEncoder().encodeToString(s.sign(ns, "k", v, 1795564800000L, false, utf8("{\"a\":1}"))))
        .isEqualTo("zFfvdSBC18iFFJAZZTh0wmidriZNVgN6VatSOELDPZv4Vp4WdmyYTjQW6TpcFxs3cWmniHYYdkiI0mIVUJT5Bg==");
    assertThat(Base64.getEncoder().encodeToString(s.sign(ns, "k", v, 1795564800000L, true, new byte[0])))
        .isEqualTo("oERZ4apSmzWfkB/DS0LW/5yerJL8A3hOze588tbVcAyLtR9Spd8+3DQesXeuK+e2d/XAF0oWK/ATMmzvzvqYAg==");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSavedPrivateKeyGivesTheSameSigner() {
    RecordSigner again = RecordSigner.fromPrivateKey(owner.privateKey());
    assertThat(again.publicKey()).isEqualTo(owner.publicKey());
    assertThat(again.namespace("notes")).isEqualTo(owner.namespace("notes"));
    byte[] sig = again.sign(owner.namespace("notes"), "k", V, 1000, false, VALUE);
    assertThat(RecordSigner.verify(owner.namespace("notes"), "k", V, 1000, false, VALUE, sig)).isTrue();
    assertThat(RecordSigner.generate().publicKey()).isNotEqualTo(owner.publicKey());
  }

  @Test
  void badPrivateKeysAreRefused() {
    assertThatThrownBy(() -> RecordSigner.fromPrivateKey(new byte[48])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519");
    assertThatThrownBy(() -> RecordSigner.fromPrivateKey("not a key".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] truncated = java.util.Arrays.copyOf(owner.privateKey(), owner.privateKey().length - 1);
    assertThatThrownBy(() -> RecordSigner.fromPrivateKey(truncated)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPublicKeyThatIsNotACurvePointVerifiesNothing() {
    // y = 2 is not on Ed25519: a namespace can name it, but no signature verifies there.
    byte[] bad = new byte[32];
    bad[0] = 2;
    String ns = "@" + Base64.getUrlEncoder().withoutPadding().encodeToString(bad) + "/x";
    assertThat(RecordSigner.owner(ns)).isPresent();
    assertThat(RecordSigner.verify(ns, "k", V, 1000, false, VALUE, new byte[64])).isFalse();
  }

  @Test
  void recordsCarryAndCheckTheirSignature() {
    String ns = owner.namespace("notes");
    Record plain = Record.value(ns, "k", VALUE, V, 1000, pub);
    assertThat(plain.signed()).isFalse();
    assertThat(plain.signatureValid()).isFalse();
    Record signed = plain.signedBy(owner);
    assertThat(signed.signed()).isTrue();
    assertThat(signed.signatureValid()).isTrue();
    assertThat(signed).isNotEqualTo(plain);
    assertThat(Record.value(ns, "k", VALUE, V, 1000, NodeId.random(new Random(2))).withSignature(signed.signature())
        .signatureValid()).as("the publisher is not signed").isTrue();
    assertThat(signed.withExpiry(2000).signed()).as("a new expiry needs a new signature").isFalse();
    assertThat(Record.tombstone(ns, "k", V, 1000, pub).withSignature(signed.signature()).signatureValid()).isFalse();
    // Plain namespaces take only unsigned records.
    assertThat(Record.value("notes", "k", VALUE, V, 1000, pub).signatureValid()).isTrue();
    assertThat(Record.value("notes", "k", VALUE, V, 1000, pub).withSignature(signed.signature()).signatureValid())
        .isFalse();
    assertThatThrownBy(() -> plain.withSignature(new byte[10])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSameVersionWithALaterExpiryIsTakenWholeWhenSigned() {
    String ns = owner.namespace("notes");
    Record first = Record.value(ns, "k", VALUE, V, 1000, pub).signedBy(owner);
    Record refreshed = first.withExpiry(5000).signedBy(owner);
    Record merged = first.merge(refreshed);
    assertThat(merged).isEqualTo(refreshed);
    assertThat(merged.signatureValid()).isTrue();
    assertThat(refreshed.merge(first)).isSameAs(refreshed);
  }
}
