package dev.weft.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limits on the JSON of every user value — stored object, message, global, index value — whichever module carries it.
 * Values travel inside protocol messages, which nest at most 64 deep on the wire (docs/protocol.md); the envelopes
 * around a value take fewer than 32 of those levels, so a value within {@link #MAX_NESTING} fits every message it can
 * end up in, and a deeper one is refused where it enters instead of failing on its way to other nodes.
 */
public final class JsonLimits {
  /** Deepest nesting of arrays and objects in a value: {@code 1} is 1 deep, {@code [1]} 1, {@code [[1]]} 2. */
  public static final int MAX_NESTING = 32;

  private JsonLimits() {}

  /**
   * Checks {@code value}'s nesting, without recursion (the tree may be as deep as its parser allowed).
   *
   * @param what names the value in the message, e.g. "value of users/alice"
   * @throws IllegalArgumentException when it nests deeper than {@link #MAX_NESTING}
   */
  public static void checkNesting(JsonNode value, String what) {
    Deque<Iterator<JsonNode>> open = new ArrayDeque<>();
    if (value.isContainerNode()) {
      open.push(value.elements());
    }
    while (!open.isEmpty()) {
      if (open.size() > MAX_NESTING) {
        throw new IllegalArgumentException(what + " nests deeper than " + MAX_NESTING + " levels of arrays and objects");
      }
      Iterator<JsonNode> it = open.peek();
      if (!it.hasNext()) {
        open.pop();
        continue;
      }
      JsonNode child = it.next();
      if (child.isContainerNode()) {
        open.push(child.elements());
      }
    }
  }
}
