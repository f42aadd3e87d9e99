package dev.weft.pht;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One entry of an index: a key and a JSON value, for example the {@code {namespace, key}} of a stored object. An index
 * holds a set of entries: a key may have several values, and inserting an entry twice keeps one.
 */
public record Entry(Key key, JsonNode value) {
  public Entry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
