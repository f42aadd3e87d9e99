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
 */
public record Results(List<Entry> entries, Optional<Query> next, int dhtGets) {
  public Results {
    entries = List.copyOf(entries);
    Objects.requireNonNull(next, "next");
  }
}
