package dev.weft.api;

import java.util.List;

/**
 * A snapshot of a node's state, for inspection and the CLI's {@code info}.
 *
 * @param id the node's id
 * @param addresses where this node listens
 * @param contacts peers in the routing table
 * @param stored records in the local store, tombstones included
 * @param buckets the non-empty k-buckets, most distant first
 */
public record NodeInfo(NodeId id, List<Address> addresses, int contacts, long stored, List<Bucket> buckets) {
  public NodeInfo {
    addresses = List.copyOf(addresses);
    buckets = List.copyOf(buckets);
  }

  /**
   * One k-bucket.
   *
   * @param index 159 for ids differing from ours in the first bit, down to 0
   * @param contacts least recently seen first
   */
  public record Bucket(int index, List<ContactInfo> contacts) {
    public Bucket {
      contacts = List.copyOf(contacts);
    }
  }

  /**
   * A contact and what the node has observed of it.
   *
   * @param lastSeenMillis wall-clock time of the last message from it
   * @param rttMillis smoothed round-trip time, or -1 when not measured yet
   * @param failures consecutive requests that timed out
   */
  public record ContactInfo(Contact contact, long lastSeenMillis, double rttMillis, int failures) {}
}
