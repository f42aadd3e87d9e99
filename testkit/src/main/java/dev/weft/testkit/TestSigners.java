package dev.weft.testkit;

import dev.weft.api.RecordSigner;
import java.nio.ByteBuffer;
import java.util.Random;

/** Owners' keys for tests: the same seed gives the same key, so owned namespaces (and the ids of their keys) repeat. */
public final class TestSigners {
  /** PKCS#8 of an Ed25519 private key (RFC 8410) up to its 32 bytes. */
  private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
      0x04, 0x22, 0x04, 0x20};

  private TestSigners() {}

  /** The key pair whose private key is 32 bytes drawn from {@code new Random(seed)}. */
  public static RecordSigner seeded(long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return RecordSigner.fromPrivateKey(ByteBuffer.allocate(PKCS8_PREFIX.length + key.length).put(PKCS8_PREFIX).put(key)
        .array());
  }
}
