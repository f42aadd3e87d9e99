package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code {namespace, key, value}} object that {@link Storage#get} returns and {@link Storage#lscan} lists, with
 * the version that wrote it.
 *
 * <p>In an owned namespace ({@link RecordSigner}) the object's {@link #owner()} is the key whose signature the storage
 * checked before returning it: a replica stores, and a reader takes, nothing else there.
 */
public record StoredObject(String namespace, String key, JsonNode value, Version version) {
  public StoredObject {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(version, "version");
  }

  /** The raw 32-byte public key that signed this object, for an owned namespace; empty for any other. */
  public Optional<byte[]> owner() {
    return RecordSigner.owner(namespace);
  }
}
