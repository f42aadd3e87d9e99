package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One object of a batch write ({@link Storage#putAll}): what {@link Storage#put(String, String, JsonNode)} takes.
 *
 * @param namespace a plain namespace (batches do not sign: owned namespaces are written one by one)
 * @param key the key
 * @param value the value, any JSON
 */
public record Write(String namespace, String key, JsonNode value) {
  public Write {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
