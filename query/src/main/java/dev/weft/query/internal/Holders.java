package dev.weft.query.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import java.util.Set;

/**
 * The responsible-holder rule of scans (docs/query.md, "Every row counts once"): of the nodes holding a row, the one
 * that reports it. Stateless.
 */
final class Holders {
  private Holders() {}

  /**
   * Who reports a row: the closer holder it is left to, or null when this node reports it; contested when a settling
   * node is closer than the one that reports it.
   */
  record Holder(NodeId closer, boolean contested) {}

  /**
   * The closest node this node knows to the row's id, neither excluded nor settling, if it is closer than this node
   * (then this node defers the row to it); otherwise this node reports it. Settling nodes passed on the way, or this
   * node settling itself, make the row contested: the settling node may report it too.
   */
  static Holder of(Dht dht, String ns, String key, Set<NodeId> exclude, Set<NodeId> unsettled) {
    NodeId self = dht.self().id();
    NodeId id = dht.keyId(ns, key);
    boolean contested = unsettled.contains(self);
    for (Contact c : dht.closestKnown(id, exclude.size() + unsettled.size() + 1)) {
      if (exclude.contains(c.id())) {
        continue;
      }
      if (id.compareDistance(c.id(), self) >= 0) {
        break;
      }
      if (!unsettled.contains(c.id())) {
        return new Holder(c.id(), false);
      }
      contested = true;
    }
    return new Holder(null, contested);
  }
}
