package dev.weft.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Version;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a global as a node knows it.
 *
 * @param name its name
 * @param value the value; empty when this version removes the global
 * @param version when and by whom it was written: of two versions of a name, every node keeps the newer
 */
public record Global(String name, Optional<JsonNode> value, Version version) {
  public Global {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(version, "version");
  }

  /** Whether this version removes the global. */
  public boolean removed() {
    return value.isEmpty();
  }
}
