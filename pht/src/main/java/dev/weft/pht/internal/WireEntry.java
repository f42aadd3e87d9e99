package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.Entry;
import dev.weft.pht.internal.TrieNode.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * An entry as the {@code child} request and the {@code freeze} answer carry it: {@code [key, value]}, the key as
 * {@link KeyCodec#toJson} writes it. Reading the key needs the index's codec, so it is left as JSON until {@link
 * #item}.
 */
record WireEntry(JsonNode key, JsonNode value) {
  static WireEntry of(KeyCodec codec, Item item) {
    return new WireEntry(codec.toJson(item.entry().key()), item.entry().value());
  }

  static List<WireEntry> of(KeyCodec codec, List<Item> items) {
    return items.stream().map(i -> of(codec, i)).toList();
  }

  /**
   * This entry as the trie holds it.
   *
   * @throws IllegalArgumentException when the key does not fit the index
   */
  Item item(KeyCodec codec) {
    return Item.of(codec, new Entry(codec.fromJson(key), value));
  }

  static List<Item> items(KeyCodec codec, List<WireEntry> entries) {
    List<Item> out = new ArrayList<>(entries.size());
    for (WireEntry e : entries) {
      out.add(e.item(codec));
    }
    return out;
  }

  static ArrayNode toJson(List<WireEntry> entries) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (WireEntry e : entries) {
      a.addArray().add(e.key()).add(e.value());
    }
    return a;
  }

  /**
   * Reads {@code [[key, value], ...]}; a missing list is empty.
   *
   * @throws IllegalArgumentException when an element is not a pair
   */
  static List<WireEntry> listFromJson(JsonNode array) {
    List<WireEntry> out = new ArrayList<>();
    for (JsonNode e : array) {
      if (!e.isArray() || e.size() != 2) {
        throw new IllegalArgumentException("an entry must be [key, value]");
      }
      out.add(new WireEntry(e.get(0), e.get(1)));
    }
    return out;
  }
}
