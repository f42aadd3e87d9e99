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
 * One node of an index's trie, as stored in the DHT under its prefix:
 * {@code {"s": state, "e": [[key, value], ...], "h": [suffix, ...]}}.
 *
 * <p>States: {@code leaf} holds entries; {@code int} is internal (both children exist); {@code split} is a leaf whose
 * split into two children has begun (its entries are frozen and will be its children's); {@code merge} is an internal
 * node whose children are being merged into it; {@code frozen} is a child taking part in a merge (its entries frozen).
 * A change of more than one node records its intent in the parent first, so whoever meets it next can finish it.
 *
 * <p>An internal node carries a <em>shape hint</em>: the relative prefixes of the internal nodes below it, the first
 * {@link #HINT_SIZE} in breadth-first order, kept by its keeper from its children's records. A range query uses it to
 * read the leaves under a node without reading the internal nodes between; it is only a hint (it may lag behind a split
 * or merge), so readers check what they find and fall back on reading the nodes it skipped.
 */
record TrieNode(State state, List<Item> entries, List<String> hint) {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Internal descendants in a hint: a whole subtree seven levels deep, or about a hundred leaves. */
  static final int HINT_SIZE = 127;
  /** Breadth-first order of relative prefixes. */
  static final Comparator<String> BREADTH_FIRST = Comparator.comparingInt(String::length)
      .thenComparing(Comparator.naturalOrder());

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
    hint = state == State.INTERNAL ? List.copyOf(hint) : List.of();
  }

  TrieNode(State state, List<Item> entries) {
    this(state, entries, List.of());
  }

  TrieNode withHint(List<String> h) {
    return new TrieNode(state, entries, h);
  }

  /**
   * The hint of an internal node whose children's records are {@code zero} and {@code one}: each internal child
   * (a merging one still counts) and the internal nodes its own hint names, breadth first, at most {@link #HINT_SIZE}.
   */
  static List<String> shapeOf(java.util.Optional<TrieNode> zero, java.util.Optional<TrieNode> one) {
    List<String> all = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      java.util.Optional<TrieNode> child = c == 0 ? zero : one;
      if (child.isPresent() && (child.get().state() == State.INTERNAL || child.get().state() == State.MERGE)) {
        all.add(Integer.toString(c));
        for (String h : child.get().hint()) {
          all.add(c + h);
        }
      }
    }
    all.sort(BREADTH_FIRST);
    return List.copyOf(all.subList(0, Math.min(HINT_SIZE, all.size())));
  }

  /** The part of this node's hint under its child {@code bit}, relative to that child. */
  List<String> hintBelow(char bit) {
    List<String> out = new ArrayList<>();
    for (String h : hint) {
      if (h.length() > 1 && h.charAt(0) == bit) {
        out.add(h.substring(1));
      }
    }
    return out;
  }

  /** Whether the hint names this node's child {@code bit} as internal. */
  boolean hintsInternal(char bit) {
    return hint.contains(String.valueOf(bit));
  }

  static TrieNode leaf(List<Item> entries) {
    return new TrieNode(State.LEAF, sorted(entries));
  }

  static TrieNode internal() {
    return new TrieNode(State.INTERNAL, List.of());
  }

  TrieNode with(State s) {
    return new TrieNode(s, s.holdsEntries() ? entries : List.of(), hint);
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
    if (!hint.isEmpty()) {
      ArrayNode h = o.putArray("h");
      hint.forEach(h::add);
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
    List<String> hint = new ArrayList<>();
    if (s == State.INTERNAL) {
      JsonNode h = json.path("h");
      if (!h.isMissingNode() && (!h.isArray() || h.size() > HINT_SIZE)) {
        throw new IllegalArgumentException("a trie node's hint must be an array of at most " + HINT_SIZE + " prefixes");
      }
      for (JsonNode p : h) {
        String text = p.asText("");
        // Bounded by the key length: a hostile hint must not send readers below the deepest possible node.
        if (!p.isTextual() || text.isEmpty() || text.length() >= codec.bits()
            || !text.chars().allMatch(c -> c == '0' || c == '1')) {
          throw new IllegalArgumentException("a trie node's hint holds bit strings shorter than the key");
        }
        hint.add(text);
      }
    }
    return new TrieNode(s, sorted(items), hint);
  }
}
