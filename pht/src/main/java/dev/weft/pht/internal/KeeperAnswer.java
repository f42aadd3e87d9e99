package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.pht.IndexInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An answer on the {@code pht} channel, written by {@link KeeperServer} (and its {@link TrieKeeper}) and read by
 * whoever sent the {@link KeeperRequest}. Wire forms: docs/protocol.md, pinned by {@code PhtWireTest}. Readers are as
 * lenient as the field reads they replace: a missing field reads as false, 0 or empty.
 */
sealed interface KeeperAnswer {
  ObjectNode toJson();

  private static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * {@code {"closer": id, "addrs": [...]}}: the receiver knows a node closer to the request's key (any request without
   * {@code force}). {@link KeeperRouter} follows it.
   *
   * @param addresses at most 8, as {@link Address#toString}
   */
  record Closer(String id, List<String> addresses) implements KeeperAnswer {
    static Closer of(Contact c) {
      return new Closer(c.id().toHex(), c.addresses().stream().limit(8).map(Address::toString).toList());
    }

    /** The closer node named in {@code json}, if it names one. */
    static Optional<Closer> fromJson(JsonNode json) {
      if (!json.has("closer")) {
        return Optional.empty();
      }
      List<String> addresses = new ArrayList<>();
      if (json.path("addrs").isArray()) {
        json.path("addrs").forEach(a -> addresses.add(a.asText()));
      }
      return Optional.of(new Closer(json.path("closer").asText(), addresses));
    }

    /**
     * The closer node's id.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    NodeId nodeId() {
      return NodeId.fromHex(id);
    }

    /**
     * The addresses as sent, for a node not in the routing table.
     *
     * @throws IllegalArgumentException when one is malformed
     */
    List<Address> parsedAddresses() {
      return addresses.stream().map(Address::parse).toList();
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = object().put("closer", id);
      ArrayNode a = json.putArray("addrs");
      addresses.forEach(a::add);
      return json;
    }
  }

  /**
   * {@code {"retry": why}}, {@code +"maybe": true}: any keeper, when the trie node is changing (or a router, when a
   * closer keeper did not answer); the sender tries again.
   *
   * @param maybe the change may have been applied before the failure (an insert's "already there" may be its own)
   */
  record Retry(String why, boolean maybe) implements KeeperAnswer {
    static Retry of(String why) {
      return new Retry(why, false);
    }

    static Optional<Retry> fromJson(JsonNode json) {
      return json.has("retry") ? Optional.of(new Retry(json.path("retry").asText(), json.path("maybe").asBoolean(false)))
          : Optional.empty();
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = object().put("retry", why);
      return maybe ? json.put("maybe", true) : json;
    }
  }

  /** {@code {"type","b","d","strlen"}}: the keeper of an index's definition, to {@code create}: the one that holds. */
  record Definition(IndexInfo info) implements KeeperAnswer {
    /**
     * The definition of {@code index} in {@code json}.
     *
     * @throws IllegalArgumentException when the type is unknown
     */
    static Definition fromJson(String index, JsonNode json) {
      return new Definition(new IndexInfo(index, KeyCodec.type(json.path("type").asText()), json.path("b").asInt(),
          json.path("d").asInt(), json.path("strlen").asInt()));
    }

    @Override
    public ObjectNode toJson() {
      return object().put("type", info.type().name()).put("b", info.leafCapacity()).put("d", info.keyBits())
          .put("strlen", info.maxStringBytes());
    }
  }

  /** {@code {"added": bool}}: a leaf's keeper, to {@code insert}; false when the entry was there already. */
  record Added(boolean added) implements KeeperAnswer {
    static Added fromJson(JsonNode json) {
      return new Added(json.path("added").asBoolean());
    }

    @Override
    public ObjectNode toJson() {
      return object().put("added", added);
    }
  }

  /** {@code {"removed": n}}: a leaf's keeper, to {@code remove}: how many entries went. */
  record Removed(int removed) implements KeeperAnswer {
    static Removed fromJson(JsonNode json) {
      return new Removed(json.path("removed").asInt());
    }

    @Override
    public ObjectNode toJson() {
      return object().put("removed", removed);
    }
  }

  /**
   * {@code {"ok":true}}, {@code +"stale":true}, {@code +"existed":true}, {@code +"changed":true}: a keeper, to {@code
   * child}, {@code finish}, {@code shape}, {@code unfreeze} and {@code drop}.
   *
   * @param stale to {@code child}: the parent no longer splits, nothing was done
   * @param existed to {@code child}: the child was there already and kept its own entries
   * @param changed to {@code shape}: the hint changed
   */
  record Done(boolean stale, boolean existed, boolean changed) implements KeeperAnswer {
    static final Done OK = new Done(false, false, false);
    static final Done STALE = new Done(true, false, false);
    static final Done EXISTED = new Done(false, true, false);
    static final Done CHANGED = new Done(false, false, true);

    static Done fromJson(JsonNode json) {
      return new Done(json.has("stale"), json.has("existed"), json.has("changed"));
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = object().put("ok", true);
      if (stale) {
        json.put("stale", true);
      }
      if (existed) {
        json.put("existed", true);
      }
      return changed ? json.put("changed", true) : json;
    }
  }

  /** {@code {"merged": bool}}: a parent's keeper, to {@code merge}. */
  record Merged(boolean merged) implements KeeperAnswer {
    @Override
    public ObjectNode toJson() {
      return object().put("merged", merged);
    }
  }

  /**
   * {@code {"e": entries}} or {@code {"refused":true}}: a child's keeper, to {@code freeze}.
   *
   * @param entries the frozen leaf's entries; null when it refused (its parent is not merging, or it is no plain leaf)
   */
  record Frozen(List<WireEntry> entries) implements KeeperAnswer {
    static final Frozen REFUSED = new Frozen(null);

    /**
     * Reads an answer to {@code freeze}: refused unless it carries entries.
     *
     * @throws IllegalArgumentException when an entry is not a pair
     */
    static Frozen fromJson(JsonNode json) {
      return json.has("e") ? new Frozen(WireEntry.listFromJson(json.get("e"))) : REFUSED;
    }

    boolean refused() {
      return entries == null;
    }

    @Override
    public ObjectNode toJson() {
      if (entries == null) {
        return object().put("refused", true);
      }
      ObjectNode json = object();
      json.set("e", WireEntry.toJson(entries));
      return json;
    }
  }
}
