package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.KeyType;
import java.util.List;
import java.util.Locale;

/**
 * A request on the {@code pht} channel, sent by {@link KeeperRouter} to the keeper of a trie node (or of an index's
 * definition) and read by {@link KeeperServer}. Wire form (docs/protocol.md, pinned by {@code PhtWireTest}): {@code
 * {"op", "ix", <the operation's fields>, "p", "force"}}; {@code p} is left out while {@link #prefix()} is null, {@code
 * force} unless it is true.
 */
sealed interface KeeperRequest {
  /** The index the request is about. */
  String index();

  /** The trie node, {@code ""} for the root; null for {@code create} and until {@link #at} names it. */
  String prefix();

  /** Whether the receiver must take it even though it knows a node closer to its key. */
  boolean force();

  /** This request for trie node {@code prefix}. */
  KeeperRequest at(String prefix);

  /** This request with {@code force} set: sent by a router that cannot reach, or gave up on, a closer node. */
  KeeperRequest forced();

  /** The value of {@code op}. */
  String op();

  ObjectNode toJson();

  /**
   * Reads a request from a peer (or from this node's own router).
   *
   * @throws IllegalArgumentException saying what is wrong: the message the requester gets; a bad key, a prefix that
   *     does not fit the index and an unknown index are found later, with the index's codec
   */
  static KeeperRequest fromJson(JsonNode json) {
    String op = json.path("op").asText();
    String index = json.path("ix").asText();
    PhtPlugin.checkName(index);
    String prefix = json.path("p").asText("");
    boolean force = json.path("force").asBoolean(false);
    switch (op) {
      case Create.OP:
        return Create.fromJson(json, index, force);
      case OnKey.INSERT:
        if (json.get("v") == null) {
          throw new IllegalArgumentException("an entry needs a value");
        }
        return new OnKey(true, index, json.path("k"), json.get("v"), prefix, force);
      case OnKey.REMOVE:
        return new OnKey(false, index, json.path("k"), json.get("v"), prefix, force);
      case Child.OP:
        return new Child(index, prefix, WireEntry.listFromJson(json.path("e")), force);
      default:
        return new OnNode(OnNode.Kind.of(op), index, prefix, force);
    }
  }

  private static ObjectNode start(String op, String index) {
    return JsonNodeFactory.instance.objectNode().put("op", op).put("ix", index);
  }

  private static ObjectNode end(ObjectNode json, String prefix, boolean force) {
    if (prefix != null) {
      json.put("p", prefix);
    }
    return force ? json.put("force", true) : json;
  }

  /**
   * {@code create}: sent by {@link PhtPlugin#create} to the keeper of the index's definition, which answers the
   * definition that holds ({@link KeeperAnswer.Definition}). Fields {@code type} (upper case), {@code b}, {@code
   * strlen}.
   */
  record Create(String index, KeyType type, int leafCapacity, int maxStringBytes, boolean force)
      implements KeeperRequest {
    static final String OP = "create";

    @Override
    public String op() {
      return OP;
    }

    @Override
    public String prefix() {
      return null;
    }

    @Override
    public KeeperRequest at(String prefix) {
      throw new IllegalStateException("create names no trie node");
    }

    @Override
    public Create forced() {
      return new Create(index, type, leafCapacity, maxStringBytes, true);
    }

    /** The definition asked for. */
    IndexInfo info() {
      return new IndexInfo(index, type, leafCapacity, type == KeyType.STRING ? 8 * maxStringBytes : 64,
          maxStringBytes);
    }

    @Override
    public ObjectNode toJson() {
      return end(start(OP, index).put("type", type.name()).put("b", leafCapacity).put("strlen", maxStringBytes),
          null, force);
    }

    private static Create fromJson(JsonNode json, String index, boolean force) {
      KeyType type = KeyCodec.type(json.path("type").asText());
      int b = json.path("b").asInt();
      int strlen = json.path("strlen").asInt();
      if (b < 2 || b > 1000 || (type == KeyType.STRING ? strlen < 1 || strlen > 100 : strlen != 0)) {
        throw new IllegalArgumentException("bad index definition " + json);
      }
      return new Create(index, type, b, strlen, force);
    }
  }

  /**
   * {@code insert} or {@code remove}: sent by {@link PhtPlugin} to the keeper of the leaf found for the key; answered
   * {@link KeeperAnswer.Added} or {@link KeeperAnswer.Removed}, or {@link KeeperAnswer.Retry}. Fields {@code k} (the
   * key, {@link KeyCodec#toJson}), then {@code v}: the value to insert, or to remove only that value.
   *
   * @param value never null for an insert; null for a remove of every value of the key
   */
  record OnKey(boolean insert, String index, JsonNode key, JsonNode value, String prefix, boolean force)
      implements KeeperRequest {
    static final String INSERT = "insert";
    static final String REMOVE = "remove";

    static OnKey insert(String index, JsonNode key, JsonNode value) {
      return new OnKey(true, index, key, value, null, false);
    }

    static OnKey remove(String index, JsonNode key, JsonNode value) {
      return new OnKey(false, index, key, value, null, false);
    }

    @Override
    public String op() {
      return insert ? INSERT : REMOVE;
    }

    @Override
    public OnKey at(String p) {
      return new OnKey(insert, index, key, value, p, force);
    }

    @Override
    public OnKey forced() {
      return new OnKey(insert, index, key, value, prefix, true);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = start(op(), index);
      json.set("k", key);
      if (value != null) {
        json.set("v", value);
      }
      return end(json, prefix, force);
    }
  }

  /**
   * {@code child}: sent by the keeper of a splitting leaf to each child's keeper, with the child's entries ({@code
   * e}); answered {@link KeeperAnswer.Done} (existed, stale) or {@link KeeperAnswer.Retry}. Its {@code p} comes before
   * {@code e} on the wire.
   */
  record Child(String index, String prefix, List<WireEntry> entries, boolean force) implements KeeperRequest {
    static final String OP = "child";

    @Override
    public String op() {
      return OP;
    }

    @Override
    public Child at(String p) {
      return new Child(index, p, entries, force);
    }

    @Override
    public Child forced() {
      return new Child(index, prefix, entries, true);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = start(OP, index).put("p", prefix);
      json.set("e", WireEntry.toJson(entries));
      return force ? json.put("force", true) : json;
    }
  }

  /** An operation on a trie node with no fields of its own; who sends it and its answer: {@link Kind}. */
  record OnNode(Kind kind, String index, String prefix, boolean force) implements KeeperRequest {
    /** The operations without fields of their own. */
    enum Kind {
      /** From a leaf's keeper after removes left it at most B/2, to its parent's: {@link KeeperAnswer.Merged}. */
      MERGE,
      /** From a reader that met a node mid-change, or a new child over capacity: {@link KeeperAnswer.Done}. */
      FINISH,
      /** From a keeper whose node's shape changed, to its parent's: {@link KeeperAnswer.Done} (changed). */
      SHAPE,
      /** From a merging parent's keeper, to each child's: {@link KeeperAnswer.Frozen} or refused. */
      FREEZE,
      /** From a parent whose merge was undone: {@link KeeperAnswer.Done}. */
      UNFREEZE,
      /** From a parent that merged, for its frozen children: {@link KeeperAnswer.Done}. */
      DROP;

      final String op = name().toLowerCase(Locale.ROOT);

      static Kind of(String op) {
        for (Kind k : values()) {
          if (k.op.equals(op)) {
            return k;
          }
        }
        throw new IllegalArgumentException("unknown pht operation '" + op + "'");
      }
    }

    /** {@code kind} for trie node {@code prefix} of index {@code index}. */
    static OnNode of(Kind kind, String index, String prefix) {
      return new OnNode(kind, index, prefix, false);
    }

    @Override
    public String op() {
      return kind.op;
    }

    @Override
    public OnNode at(String p) {
      return new OnNode(kind, index, p, force);
    }

    @Override
    public OnNode forced() {
      return new OnNode(kind, index, prefix, true);
    }

    @Override
    public ObjectNode toJson() {
      return end(start(kind.op, index), prefix, force);
    }
  }
}
