package dev.weft.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param items the items, never null
 * @param next the request for the following page, empty when this is the last
 */
public record Page<T>(List<T> items, Optional<Scan> next) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(next, "next");
  }
}
