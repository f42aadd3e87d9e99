package dev.weft.api;

import java.util.List;
import java.util.Objects;

/**
 * A peer as the routing table knows it: its id and every address it advertised (the sender picks one whose scheme it
 * has a transport for).
 */
public record Contact(NodeId id, List<Address> addresses) {
  public Contact {
    Objects.requireNonNull(id, "id");
    addresses = List.copyOf(addresses);
  }
}
