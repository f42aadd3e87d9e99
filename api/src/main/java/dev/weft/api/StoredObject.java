package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The {@code {namespace, key, value}} object that {@link Storage#get} returns and {@link Storage#lscan} lists, with
 * the version that wrote it.
 */
public record StoredObject(String namespace, String key, JsonNode value, Version version) {
  public StoredObject {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(version, "version");
  }
}
