package dev.weft.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Which local objects {@link Storage#lscan(Scan)} lists: all or one namespace, starting after a cursor, at most
 * {@code limit} per page. Immutable; the {@code with} methods return copies.
 */
public final class Scan {
  /** Page size used when none is given. */
  public static final int DEFAULT_LIMIT = 1000;
  /** Largest page a scan may ask for. */
  public static final int MAX_LIMIT = 100_000;

  private final String namespace;
  private final String afterNamespace;
  private final String afterKey;
  private final int limit;

  private Scan(String namespace, String afterNamespace, String afterKey, int limit) {
    this.namespace = namespace;
    this.afterNamespace = afterNamespace;
    this.afterKey = afterKey;
    this.limit = limit;
  }

  /** Every namespace. */
  public static Scan all() {
    return new Scan(null, null, null, DEFAULT_LIMIT);
  }

  /** One namespace. */
  public static Scan namespace(String namespace) {
    return new Scan(Objects.requireNonNull(namespace, "namespace"), null, null, DEFAULT_LIMIT);
  }

  /** The same scan, resuming after {@code (namespace, key)} (exclusive). */
  public Scan after(String afterNs, String key) {
    return new Scan(namespace, Objects.requireNonNull(afterNs, "namespace"), Objects.requireNonNull(key, "key"), limit);
  }

  /** The same scan with another page size (1 to {@value #MAX_LIMIT}). */
  public Scan limit(int newLimit) {
    if (newLimit < 1 || newLimit > MAX_LIMIT) {
      throw new IllegalArgumentException("scan limit must be 1.." + MAX_LIMIT + ", got " + newLimit);
    }
    return new Scan(namespace, afterNamespace, afterKey, newLimit);
  }

  /** The namespace scanned, or empty for all. */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /** Namespace of the cursor, or empty to start at the beginning. */
  public Optional<String> afterNamespace() {
    return Optional.ofNullable(afterNamespace);
  }

  /** Key of the cursor, present when {@link #afterNamespace()} is. */
  public Optional<String> afterKey() {
    return Optional.ofNullable(afterKey);
  }

  public int limit() {
    return limit;
  }

  @Override
  public String toString() {
    return "Scan[namespace=" + namespace + ", after=" + afterNamespace + "/" + afterKey + ", limit=" + limit + "]";
  }
}
