package dev.weft.query.jdbc;

import dev.weft.query.data.Tables;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes of this JVM that {@code jdbc:weft:node=<name>} reaches, by name. Kept apart from {@link WeftDriver} so that
 * a node registers itself without loading Calcite: the planner's classes load on the first statement, not at start.
 * Thread-safe.
 */
public final class EmbeddedNodes {
  private static final Map<String, Tables> NODES = new ConcurrentHashMap<>();

  private EmbeddedNodes() {}

  /**
   * Makes {@code tables} reachable as {@code jdbc:weft:node=<name>} until the returned handle is closed.
   *
   * @throws IllegalStateException when another node has that name
   */
  public static AutoCloseable register(String name, Tables tables) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tables, "tables");
    if (NODES.putIfAbsent(name, tables) != null) {
      throw new IllegalStateException("a weft node named " + name + " is already registered for jdbc:weft:");
    }
    return () -> NODES.remove(name, tables);
  }

  static Tables get(String name) {
    return NODES.get(name);
  }

  static Set<String> names() {
    return NODES.keySet();
  }
}
