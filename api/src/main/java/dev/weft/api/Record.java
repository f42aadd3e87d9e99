package dev.weft.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A versioned record as stores keep it and nodes exchange it.
 *
 * <p>Immutable: the value array is copied in and never handed out (use {@link #valueBytes()} for a copy or
 * {@link #valueUtf8()}).
 *
 * <p>A record of an owned namespace ({@link RecordSigner}) carries its owner's signature; {@link #signatureValid()}
 * checks it against the key the namespace names. Replicas store, and readers take, only records for which it holds.
 *
 * @since 0.1.0
 */
public final class Record {
  private static final byte[] NONE = new byte[0];

  private final String namespace;
  private final String key;
  private final byte[] value;
  private final Version version;
  private final boolean tombstone;
  private final long expiresAtMillis;
  private final NodeId publisher;
  /** Null when unsigned. */
  private final byte[] signature;
  /** {@link #signatureValid()} once computed (0 not yet, 1 valid, 2 not): readers ask it often, a check costs ~0.1 ms. */
  private volatile byte validity;

  private Record(String namespace, String key, byte[] value, Version version, boolean tombstone, long expiresAtMillis,
      NodeId publisher, byte[] signature) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.key = Objects.requireNonNull(key, "key");
    this.value = value;
    this.version = Objects.requireNonNull(version, "version");
    this.tombstone = tombstone;
    this.expiresAtMillis = expiresAtMillis;
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    if (signature != null && signature.length != RecordSigner.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("a signature has " + RecordSigner.SIGNATURE_BYTES + " bytes, got "
          + signature.length);
    }
    this.signature = signature;
  }

  /**
   * A live record.
   *
   * @param valueJson the value as UTF-8 JSON text (copied)
   */
  public static Record value(String namespace, String key, byte[] valueJson, Version version, long expiresAtMillis,
      NodeId publisher) {
    Objects.requireNonNull(valueJson, "value");
    return new Record(namespace, key, valueJson.clone(), version, false, expiresAtMillis, publisher, null);
  }

  /** A tombstone: the record was deleted at {@code version}. */
  public static Record tombstone(String namespace, String key, Version version, long expiresAtMillis, NodeId publisher) {
    return new Record(namespace, key, NONE, version, true, expiresAtMillis, publisher, null);
  }

  /**
   * This record with {@code signature} (64 bytes, copied) as its owner's signature, replacing any it had; whether it is
   * valid is {@link #signatureValid()}'s to say.
   */
  public Record withSignature(byte[] signature) {
    Objects.requireNonNull(signature, "signature");
    return new Record(namespace, key, value, version, tombstone, expiresAtMillis, publisher, signature.clone());
  }

  /**
   * This record signed by {@code signer}.
   *
   * @throws IllegalArgumentException when the namespace is not one of the signer's
   */
  public Record signedBy(RecordSigner signer) {
    return withSignature(signer.sign(namespace, key, version, expiresAtMillis, tombstone, value));
  }

  public String namespace() {
    return namespace;
  }

  public String key() {
    return key;
  }

  /** A copy of the value's UTF-8 JSON bytes; empty for a tombstone. */
  public byte[] valueBytes() {
    return value.clone();
  }

  /** Length of the value in bytes. */
  public int valueSize() {
    return value.length;
  }

  /** The value as JSON text; empty for a tombstone. */
  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public Version version() {
    return version;
  }

  public boolean tombstone() {
    return tombstone;
  }

  /** Wall-clock time after which replicas drop this record unless the publisher refreshed it. */
  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  /** The node that wrote this version. */
  public NodeId publisher() {
    return publisher;
  }

  /** Whether the record carries a signature (valid or not). */
  public boolean signed() {
    return signature != null;
  }

  /** A copy of the 64-byte signature, or empty when unsigned. */
  public byte[] signature() {
    return signature == null ? NONE : signature.clone();
  }

  /**
   * Whether this record may be stored and read: in an owned namespace (one that starts with {@code @}), only with a
   * valid signature by the key it names; elsewhere, only unsigned (a signature there would promise what no one checks).
   */
  public boolean signatureValid() {
    if (!RecordSigner.isOwned(namespace)) {
      return signature == null;
    }
    byte v = validity;
    if (v == 0) {
      v = RecordSigner.verify(namespace, key, version, expiresAtMillis, tombstone, value, signature) ? (byte) 1 : 2;
      validity = v;
    }
    return v == 1;
  }

  public boolean isExpired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /**
   * The same record with another expiry (a publisher's refresh), unsigned: the expiry is signed, so a signed record
   * refreshed this way must be signed again ({@link #signedBy}).
   */
  public Record withExpiry(long newExpiresAtMillis) {
    return new Record(namespace, key, value, version, tombstone, newExpiresAtMillis, publisher, null);
  }

  /**
   * The record a replica keeps when it holds {@code this} and receives {@code incoming} for the same key: the newer
   * version, or for the same version the later expiry (a signed record is taken whole then, its signature covering the
   * new expiry).
   */
  public Record merge(Record incoming) {
    int c = incoming.version.compareTo(version);
    if (c > 0) {
      return incoming;
    }
    if (c == 0 && incoming.expiresAtMillis > expiresAtMillis) {
      return incoming.signature != null || signature != null ? incoming : withExpiry(incoming.expiresAtMillis);
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r
        && namespace.equals(r.namespace)
        && key.equals(r.key)
        && version.equals(r.version)
        && tombstone == r.tombstone
        && expiresAtMillis == r.expiresAtMillis
        && publisher.equals(r.publisher)
        && Arrays.equals(value, r.value)
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, key, version, tombstone, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "Record[" + namespace + "/" + key + " v" + version + (tombstone ? " tombstone" : " " + value.length + "B")
        + " expires " + expiresAtMillis + (signature != null ? " signed" : "") + "]";
  }
}
