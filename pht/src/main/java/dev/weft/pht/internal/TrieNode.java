package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.pht.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One node of an index's trie, as stored in the DHT under its prefix: {@code {"s": state, "e": [[key, value], ...]}}.
 *
 * <p>States: {@code leaf} holds entries; {@code int} is internal (both children exist); {@code split} is a leaf whose
 * split into two children has begun (its entries are frozen and will be its children's); {@code merge} is an internal
 * node whose children are being merged into it; {@code frozen} is a child taking part in a merge (its entries frozen).
 * A change of more than one node records its intent in the parent first, so whoever meets it next can finish it.
 */
record TrieNode(State state, List<Item> entries) {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  enum State {
    LEAF("leaf"), SPLIT("split"), FROZEN("frozen"), INTERNAL("int"), MERGE("merge");

    final String code;

    State(String code) {
      this.code = code;
    }

    boolean holdsEntries() {
      return this == LEAF || this == SPLIT || this == FROZEN;
    }

    static State of(String code) {
      for (State s : values()) {
        if (s.code.equals(code)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown trie node state '" + code + "'");
    }
  }

  /** An entry with its key's bits and its value's text, which order it. */
  record Item(Entry entry, String bits, String valueText) {
    static final Comparator<Item> ORDER = Comparator.comparing(Item::bits).thenComparing(Item::valueText);

    static Item of(KeyCodec codec, Entry e) {
      return new Item(e, codec.bits(e.key()), e.value().toString());
    }

    boolean sameAs(Item o) {
      return bits.equals(o.bits) && valueText.equals(o.valueText);
    }
  }

  TrieNode {
    entries = List.copyOf(entries);
  }

  static TrieNode leaf(List<Item> entries) {
    return new TrieNode(State.LEAF, sorted(entries));
  }

  static TrieNode internal() {
    return new TrieNode(State.INTERNAL, List.of());
  }

  TrieNode with(State s) {
    return new TrieNode(s, s.holdsEntries() ? entries : List.of());
  }

  static List<Item> sorted(List<Item> items) {
    List<Item> out = new ArrayList<>(items);
    out.sort(Item.ORDER);
    return out;
  }

  JsonNode toJson(KeyCodec codec) {
    ObjectNode o = JSON.objectNode().put("s", state.code);
    if (state.holdsEntries()) {
      ArrayNode e = o.putArray("e");
      for (Item i : entries) {
        e.addArray().add(codec.toJson(i.entry.key())).add(i.entry.value());
      }
    }
    return o;
  }

  static TrieNode fromJson(KeyCodec codec, JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a trie node must be a JSON object");
    }
    State s = State.of(json.path("s").asText());
    List<Item> items = new ArrayList<>();
    if (s.holdsEntries()) {
      for (JsonNode e : json.path("e")) {
        if (!e.isArray() || e.size() != 2) {
          throw new IllegalArgumentException("a trie entry must be [key, value]");
        }
        items.add(Item.of(codec, new Entry(codec.fromJson(e.get(0)), e.get(1))));
      }
    }
    return new TrieNode(s, sorted(items));
  }
}
