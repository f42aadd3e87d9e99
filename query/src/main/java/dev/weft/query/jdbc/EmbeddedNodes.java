package dev.weft.query.jdbc;

import dev.weft.query.data.Tables;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes of this JVM that {@code jdbc:weft:node=<name>} reaches, by name. Kept apart from {@link WeftDriver} so that
 * a node registers itself without loading Calcite: the planner's classes load on the first statement, not at start.
 * Thread-safe.
 */
public final class EmbeddedNodes {
  private static final Map<String, Registered> NODES = new ConcurrentHashMap<>();

  /** A node's tables, and the connection properties its connections start from (its settings' limits). */
  record Registered(Tables tables, Properties defaults) {}

  private EmbeddedNodes() {}

  /**
   * Makes {@code tables} reachable as {@code jdbc:weft:node=<name>} until the returned handle is closed.
   *
   * @throws IllegalStateException when another node has that name
   */
  public static AutoCloseable register(String name, Tables tables) {
    return register(name, tables, new Properties());
  }

  /**
   * As {@link #register(String, Tables)}, with the properties a connection has unless its URL or its own properties
   * say otherwise: the node's limits ({@code timeout}, {@code maxRows}, {@code maxBytes}).
   */
  public static AutoCloseable register(String name, Tables tables, Properties defaults) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tables, "tables");
    Properties copy = new Properties();
    copy.putAll(defaults);
    Registered r = new Registered(tables, copy);
    if (NODES.putIfAbsent(name, r) != null) {
      throw new IllegalStateException("a weft node named " + name + " is already registered for jdbc:weft:");
    }
    return () -> NODES.remove(name, r);
  }

  static Registered get(String name) {
    return NODES.get(name);
  }

  static Set<String> names() {
    return NODES.keySet();
  }
}
