package dev.weft.api;

import java.util.List;

/**
 * The settings of every node, whatever its modules: those {@link NodeBuilder} reads (what to listen on, which store,
 * engine and plugins, the node's id), the data directory persistent stores share, and the value limit of {@link
 * Storage}. Every module declares its own in a {@code *Settings} class of its artifact (e.g. {@code
 * dev.weft.kademlia.KademliaSettings}).
 *
 * @since 0.1.0
 */
public final class CoreSettings {
  private CoreSettings() {}

  /** Addresses to listen on, at least one: {@code udp://127.0.0.1:4000,ws://127.0.0.1:4001}. */
  public static final Setting<List<Address>> LISTEN = Setting.addresses("weft.listen", "",
      "addresses to listen on, udp://HOST:PORT and ws://HOST:PORT");
  /**
   * Name of the local store provider: {@code memory} (default) or {@code mapdb} (needs {@link #DATA_DIR}; its own
   * settings are {@code weft.mapdb.*}).
   */
  public static final Setting<String> STORAGE = Setting.text("weft.storage", "memory",
      "the local store: memory or mapdb");
  /** This node's id as 40 hex digits; when unset, the one a persistent store kept, else a random one. */
  public static final Setting<NodeId> NODE_ID = Setting.of("weft.node.id", "", "40 hex digits", NodeId::fromHex,
      NodeId::toHex, "this node's id, 40 hex digits; random (or the persisted one) when empty");
  /** Directory for persistent state, used by persistent stores. */
  public static final Setting<String> DATA_DIR = Setting.text("weft.data.dir", "",
      "directory of the persistent state (needed by mapdb)");
  /** Plugins not to start, comma-separated names; their settings are still accepted and checked. */
  public static final Setting<List<String>> PLUGINS_DISABLED = Setting.list("weft.plugins.disabled",
      "plugins not to start, comma-separated names");
  /** Name of the node engine provider; defaults to the only one present ({@code kademlia}). */
  public static final Setting<String> ENGINE = Setting.text("weft.engine", "",
      "the node engine; empty: the only one present (kademlia)");

  /**
   * Largest value, as UTF-8 JSON: a larger {@code put} fails with {@link ValueTooLargeException}, and replicas refuse
   * larger records. Every node of a network should use the same limit. Read by the engine.
   */
  public static final Setting<Long> MAX_VALUE_BYTES = Setting.size("weft.storage.max-value-bytes", "64KiB", 16,
      192 * 1024, "largest value, as UTF-8 JSON");

  /** Every core setting, by key. */
  public static List<Setting<?>> all() {
    return Setting.declaredIn(CoreSettings.class);
  }
}
