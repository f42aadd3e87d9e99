package dev.weft.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The key of an owned namespace: an Ed25519 key pair whose holder alone can write and delete the records in the
 * namespaces named after its public key. Every replica refuses, and every reader ignores, a record in an owned namespace
 * that this key did not sign, so a hostile node can withhold such a record or serve an older signed version, but can
 * neither forge, overwrite nor delete it.
 *
 * <pre>{@code
 * RecordSigner owner = RecordSigner.generate();                     // keep owner.privateKey() to write again later
 * String ns = owner.namespace("notes");                             // "@<public key, base64url>/notes"
 * storage.put(ns, "n1", value, Duration.ofDays(7), owner);
 * storage.get(ns, "n1");                                            // anyone reads it; its owner() is the key
 * }</pre>
 *
 * <p>An owned namespace is {@code @<key>} or {@code @<key>/<name>}, {@code <key>} being the raw 32-byte public key in
 * base64url without padding (43 characters); the namespace names its key, so nothing else needs to be trusted to check a
 * record. Namespaces that start with {@code @} are reserved for this: one that does not parse owns nothing, and no
 * record in it verifies.
 *
 * <p>What is signed (Ed25519, 64-byte signatures): {@code "weft-record-v1"}, the namespace, the key, the version
 * (timestamp and writer), the expiry, the tombstone flag and the value's JSON bytes exactly as stored, each
 * length-prefixed or of fixed size, so no two records share signed bytes. The publisher id is not signed: it only
 * says which node sent the record. Thread-safe.
 */
public final class RecordSigner {
  /** The prefix of an owned namespace. */
  public static final String OWNED_PREFIX = "@";
  /** Length of an Ed25519 signature. */
  public static final int SIGNATURE_BYTES = 64;
  static final int PUBLIC_KEY_BYTES = 32;
  private static final int KEY_CHARS = 43;
  private static final byte[] DOMAIN = "weft-record-v1".getBytes(StandardCharsets.UTF_8);
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the raw key. */
  private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private final PrivateKey privateKey;
  private final byte[] publicKey;
  private final String encodedKey;

  private RecordSigner(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    byte[] spki = pair.getPublic().getEncoded();
    this.publicKey = Arrays.copyOfRange(spki, spki.length - PUBLIC_KEY_BYTES, spki.length);
    this.encodedKey = Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
  }

  /** A new random key pair. */
  public static RecordSigner generate() {
    try {
      return new RecordSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
    }
  }

  /**
   * The signer of a saved private key.
   *
   * @param pkcs8 an Ed25519 private key in PKCS#8 form, as {@link #privateKey()} returns it
   * @throws IllegalArgumentException when the bytes are not an Ed25519 private key
   */
  public static RecordSigner fromPrivateKey(byte[] pkcs8) {
    Objects.requireNonNull(pkcs8, "pkcs8");
    byte[] seed;
    try {
      PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      seed = ((java.security.interfaces.EdECPrivateKey) k).getBytes()
          .orElseThrow(() -> new IllegalArgumentException("the private key hides its bytes"));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8 form: " + e.getMessage(), e);
    }
    // Java 17 cannot derive an Ed25519 public key from a private one, but its generator draws the private key's 32
    // bytes from the random source it is given and computes the public key: give it the seed.
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
      return new RecordSigner(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The private key in PKCS#8 form, to save (it is the whole secret: keep it like a password). */
  public byte[] privateKey() {
    return privateKey.getEncoded();
  }

  /** The raw 32-byte public key (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** {@code @<public key>}: the owned namespace without a name. */
  public String namespace() {
    return OWNED_PREFIX + encodedKey;
  }

  /**
   * {@code @<public key>/<name>}: the owned namespace {@code name} of this key.
   *
   * @throws IllegalArgumentException when {@code name} is empty
   */
  public String namespace(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("an owned namespace's name is not empty (use namespace() for none)");
    }
    return namespace() + "/" + name;
  }

  /** Whether {@code namespace} is one of this key's owned namespaces. */
  public boolean owns(String namespace) {
    return owner(namespace).map(k -> Arrays.equals(k, publicKey)).orElse(false);
  }

  /** Whether {@code namespace} is reserved for owners (starts with {@code @}), whether or not it parses. */
  public static boolean isOwned(String namespace) {
    return namespace.startsWith(OWNED_PREFIX);
  }

  /**
   * The raw public key that owns {@code namespace}: present for {@code @<key>} and {@code @<key>/<name>} with a
   * 43-character base64url key (no padding, canonical), empty for any other namespace.
   */
  public static Optional<byte[]> owner(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    int end = 1 + KEY_CHARS;
    if (!isOwned(namespace) || namespace.length() < end
        || namespace.length() > end && (namespace.charAt(end) != '/' || namespace.length() == end + 1)) {
      return Optional.empty();
    }
    String text = namespace.substring(1, end);
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    // One text per key: the last character's unused bits must be zero.
    if (key.length != PUBLIC_KEY_BYTES || !Base64.getUrlEncoder().withoutPadding().encodeToString(key).equals(text)) {
      return Optional.empty();
    }
    return Optional.of(key);
  }

  /**
   * Signs a record of one of this key's namespaces.
   *
   * @param valueJson the value's UTF-8 JSON bytes exactly as they will be stored; empty for a tombstone
   * @return the 64-byte signature
   * @throws IllegalArgumentException when {@code namespace} is not owned by this key
   */
  public byte[] sign(String namespace, String key, Version version, long expiresAtMillis, boolean tombstone,
      byte[] valueJson) {
    if (!owns(namespace)) {
      throw new IllegalArgumentException("namespace '" + namespace + "' is not owned by this key (its namespaces are "
          + namespace() + " and " + namespace() + "/<name>)");
    }
    byte[] message = signedBytes(namespace, key, version, expiresAtMillis, tombstone, valueJson);
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Ed25519: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} is the owner's signature of this record: false for a namespace that is not owned, a
   * signature of another length, another key's, or one over other bytes.
   */
  public static boolean verify(String namespace, String key, Version version, long expiresAtMillis, boolean tombstone,
      byte[] valueJson, byte[] signature) {
    Optional<byte[]> owner = owner(namespace);
    if (owner.isEmpty() || signature == null || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    byte[] spki = ByteBuffer.allocate(X509_PREFIX.length + PUBLIC_KEY_BYTES).put(X509_PREFIX).put(owner.get()).array();
    try {
      PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pk);
      s.update(signedBytes(namespace, key, version, expiresAtMillis, tombstone, valueJson));
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a key that is not a curve point, a malformed signature
    }
  }

  private static byte[] signedBytes(String namespace, String key, Version version, long expiresAtMillis,
      boolean tombstone, byte[] valueJson) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(valueJson, "valueJson");
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + ns.length + k.length + valueJson.length);
    LengthPrefixed.write(out, DOMAIN);
    LengthPrefixed.write(out, ns);
    LengthPrefixed.write(out, k);
    out.writeBytes(ByteBuffer.allocate(25).putLong(version.timestamp()).putLong(version.writer())
        .putLong(expiresAtMillis).put((byte) (tombstone ? 1 : 0)).array());
    LengthPrefixed.write(out, valueJson);
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "RecordSigner[" + namespace() + "]";
  }

  /** Hands out one given seed, once: how a private key's public half is computed (see fromPrivateKey). */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private transient byte[] seed;

    FixedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 generator asked for " + bytes.length + " bytes, expected "
            + PUBLIC_KEY_BYTES);
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
      Arrays.fill(seed, (byte) 0);
      seed = null;
    }
  }
}
