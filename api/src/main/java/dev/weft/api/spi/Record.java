package dev.weft.api.spi;

import dev.weft.api.NodeId;
import dev.weft.api.Version;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A versioned record as stores keep it and nodes exchange it.
 *
 * <p>Immutable: the value array is copied in and never handed out (use {@link #valueBytes()} for a copy or
 * {@link #valueUtf8()}).
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

  private Record(String namespace, String key, byte[] value, Version version, boolean tombstone, long expiresAtMillis,
      NodeId publisher) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.key = Objects.requireNonNull(key, "key");
    this.value = value;
    this.version = Objects.requireNonNull(version, "version");
    this.tombstone = tombstone;
    this.expiresAtMillis = expiresAtMillis;
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  /**
   * A live record.
   *
   * @param valueJson the value as UTF-8 JSON text (copied)
   */
  public static Record value(String namespace, String key, byte[] valueJson, Version version, long expiresAtMillis,
      NodeId publisher) {
    Objects.requireNonNull(valueJson, "value");
    return new Record(namespace, key, valueJson.clone(), version, false, expiresAtMillis, publisher);
  }

  /** A tombstone: the record was deleted at {@code version}. */
  public static Record tombstone(String namespace, String key, Version version, long expiresAtMillis, NodeId publisher) {
    return new Record(namespace, key, NONE, version, true, expiresAtMillis, publisher);
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

  public boolean isExpired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /** The same record with another expiry (a publisher's refresh). */
  public Record withExpiry(long newExpiresAtMillis) {
    return new Record(namespace, key, value, version, tombstone, newExpiresAtMillis, publisher);
  }

  /**
   * The record a replica keeps when it holds {@code this} and receives {@code incoming} for the same key: the newer
   * version, or for the same version the later expiry.
   */
  public Record merge(Record incoming) {
    int c = incoming.version.compareTo(version);
    if (c > 0) {
      return incoming;
    }
    if (c == 0 && incoming.expiresAtMillis > expiresAtMillis) {
      return withExpiry(incoming.expiresAtMillis);
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
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, key, version, tombstone, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "Record[" + namespace + "/" + key + " v" + version + (tombstone ? " tombstone" : " " + value.length + "B")
        + " expires " + expiresAtMillis + "]";
  }
}
