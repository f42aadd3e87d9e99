package dev.weft.query.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A node's part of a join's probe walk (docs/query.md, "Joins that rehash"): the pairs of rows with equal join keys
 * that the two rehashing walks left here, each sent to the asking node as one row — {@code [pair key, version, left
 * values then right values]}, the pair key made of both rows' keys so that a pair met twice counts once — a page at a
 * time, then the last page with the rows of each side that had reached this node. Runs on the plugin's workers, one
 * task at a time, never waiting on a thread.
 */
final class LocalProbe {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final JoinBuffers.Probed probed;
  private final PageSender sender;
  private final Executor workers;
  private final Consumer<Wire.JoinCounts> last;
  private int group;
  private int left;
  private int right;

  LocalProbe(JoinBuffers.Probed probed, PageSender sender, Executor workers, Consumer<Wire.JoinCounts> last) {
    this.probed = probed;
    this.sender = sender;
    this.workers = workers;
    this.last = last;
  }

  void start() {
    resume();
  }

  private void resume() {
    while (!sender.ready()) {
      if (group == probed.groups().size()) {
        last.accept(new Wire.JoinCounts(0, probed.left(), probed.right()));
        return;
      }
      JoinBuffers.Group g = probed.groups().get(group);
      sender.add(pair(g.left().get(left), g.right().get(right)));
      if (++right == g.right().size()) {
        right = 0;
        if (++left == g.left().size()) {
          left = 0;
          group++;
        }
      }
    }
    sender.flush().thenAcceptAsync(more -> {
      if (more) {
        resume();
      }
    }, workers);
  }

  /** One joined row: both keys (the left one's length first, so that no two pairs share a key), values side by side. */
  static ArrayNode pair(ArrayNode l, ArrayNode r) {
    String lk = l.get(0).textValue();
    ArrayNode values = F.arrayNode();
    values.addAll((ArrayNode) l.get(2));
    values.addAll((ArrayNode) r.get(2));
    return F.arrayNode().add(lk.length() + ":" + lk + r.get(0).textValue()).add(l.get(1)).add(values);
  }
}
