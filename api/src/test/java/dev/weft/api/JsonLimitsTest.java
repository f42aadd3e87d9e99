package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JsonLimitsTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void aValueAtTheLimitPassesOneLevelDeeperIsRefused() {
    assertThatCode(() -> JsonLimits.checkNesting(nested(JsonLimits.MAX_NESTING), "v")).doesNotThrowAnyException();
    assertThatThrownBy(() -> JsonLimits.checkNesting(nested(JsonLimits.MAX_NESTING + 1), "value of n/k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value of n/k nests deeper than 32 levels of arrays and objects");
  }

  @Test
  void depthIsCountedOnEveryBranchNotJustTheFirst() {
    ObjectNode o = JSON.objectNode().put("a", 1);
    o.set("flat", JSON.arrayNode().add(1).add(JSON.objectNode()));
    o.set("deep", nested(JsonLimits.MAX_NESTING));
    assertThatThrownBy(() -> JsonLimits.checkNesting(o, "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> JsonLimits.checkNesting(JSON.textNode("x"), "v")).doesNotThrowAnyException();
  }

  @Test
  void aTreeFarDeeperThanTheStackAllowsForRecursionIsRefusedWithoutOverflow() {
    assertThatThrownBy(() -> JsonLimits.checkNesting(nested(200_000), "v")).isInstanceOf(IllegalArgumentException.class);
  }

  /** {@code [[...[1]...]]} nested {@code depth} deep, alternating arrays and objects. */
  private static JsonNode nested(int depth) {
    JsonNode n = JSON.numberNode(1);
    for (int i = 0; i < depth; i++) {
      if (i % 2 == 0) {
        ArrayNode a = JSON.arrayNode();
        a.add(n);
        n = a;
      } else {
        ObjectNode o = JSON.objectNode();
        o.set("k", n);
        n = o;
      }
    }
    return n;
  }
}
