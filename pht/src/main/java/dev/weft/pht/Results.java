package dev.weft.pht;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a query's results.
 *
 * @param entries in key order
 * @param next the query for the following page; empty when this is the last
 * @param dhtGets trie nodes read to answer this page (a measure of cost)
 * @param rounds reads that had to wait for earlier ones: the page's latency in DHT gets, as reads of one level of the
 *     trie go out together
 */
public record Results(List<Entry> entries, Optional<Query> next, int dhtGets, int rounds) {
  public Results {
    entries = List.copyOf(entries);
    Objects.requireNonNull(next, "next");
  }
}
