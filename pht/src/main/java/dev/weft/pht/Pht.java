package dev.weft.pht;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.api.WeftException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's fourth group: indexes over the DHT that answer range queries, built as Prefix Hash Trees (Ramabhadran et
 * al., PODC 2004). Get it with {@link #of(Node)} when {@code weft-pht} is on the classpath. See {@code docs/pht.md}.
 *
 * <p>An index is a binary trie over D-bit keys whose nodes are records in the DHT, stored under the hash of their
 * prefix: any node can read any part of it, and it is replicated and republished like every record, so losing nodes
 * loses no entries. Leaves hold at most B entries; a leaf that overflows splits in two, and two sibling leaves that
 * become small merge. Changes to a trie node are made one at a time by the node currently responsible for it, so
 * concurrent writers from anywhere lose nothing.
 *
 * <h2>Threads and errors</h2>
 * Thread-safe; never blocks. Every method returns a future that fails with {@link IllegalArgumentException} for a bad
 * argument (a key of the wrong type, a string over the index's bound, {@code lo > hi}), {@link NoSuchIndexException}
 * for an index never created, {@link dev.weft.api.ValueTooLargeException} for an oversize value, and {@link
 * WeftException} when the network could not be reached after the configured attempts.
 */
public interface Pht {
  /**
   * The PHT service of {@code node}.
   *
   * @throws WeftException when the pht plugin is not present or disabled
   */
  static Pht of(Node node) {
    return node.service(Pht.class).orElseThrow(() -> new WeftException(
        "this node has no pht plugin: add weft-pht to the classpath (and do not list it in weft.plugins.disabled)"));
  }

  /** Whether {@code name} is a valid index name: 1–64 characters of {@code a-z A-Z 0-9 . _ -}. */
  static boolean isValidName(String name) {
    return name != null && name.matches("[A-Za-z0-9._-]{1,64}");
  }

  /**
   * Creates an index with the default leaf capacity and string bound ({@link PhtSettings}). Creating an index that
   * exists with the same type is not an error (the existing one is returned); with another type it is.
   */
  CompletableFuture<IndexInfo> create(String index, KeyType type);

  /**
   * Creates an index.
   *
   * @param leafCapacity B, from 2 to 1000
   * @param maxStringBytes for strings, the longest key in UTF-8 bytes (1 to 100); ignored for other types
   */
  CompletableFuture<IndexInfo> create(String index, KeyType type, int leafCapacity, int maxStringBytes);

  /** The definition of {@code index}, or empty when there is none. */
  CompletableFuture<Optional<IndexInfo>> describe(String index);

  /**
   * Adds the entry {@code (key, value)}. Inserting an entry the index holds changes nothing, so a failed insert can
   * simply be repeated.
   *
   * @return true when this call added it (or an attempt of it whose answer was lost may have), false when the index
   *     held it already
   */
  CompletableFuture<Boolean> insert(String index, Key key, JsonNode value);

  /**
   * Removes every entry of {@code key}.
   *
   * @return how many were removed (by the attempt that was answered: an earlier attempt whose answer was lost may
   *     have removed them, and then this says 0)
   */
  CompletableFuture<Integer> remove(String index, Key key);

  /**
   * Removes the entry {@code (key, value)}.
   *
   * @return whether it was there
   */
  CompletableFuture<Boolean> remove(String index, Key key, JsonNode value);

  /** The values of {@code key}, in the order of their JSON text; empty when it has none. */
  CompletableFuture<List<JsonNode>> lookup(String index, Key key);

  /** One page of the entries a range or rectangle query selects, in key order. */
  CompletableFuture<Results> query(Query query);

  /** Walks the whole trie of {@code index}: its depth, leaves and entries. */
  CompletableFuture<IndexStats> stats(String index);

  /**
   * Removes this node's copies of {@code index}'s trie nodes, and stops republishing those it wrote, without sending a
   * message ({@link dev.weft.api.spi.plugin.Dht#purge}): for an index nobody will use again, which every node purges on
   * its own as it learns so. Its definition (one small object) stays. An index written after some nodes purged it would
   * lose trie nodes: give each index that may be purged a name of its own.
   *
   * @return how many trie nodes were removed here
   */
  CompletableFuture<Long> purge(String index);
}
