package dev.weft.query.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A node's part of a join's probe walk (docs/query.md, "Joins that rehash"): the pairs of rows with equal join keys
 * that the two rehashing walks left here, each sent straight to the asking node as one row — {@code [pair key,
 * version, left values then right values]}, the pair key made of both rows' keys so that a pair met twice counts once
 * — a page at a time, each once the last was taken; then its account, {@code [pairs sent, left rows held, right rows
 * held]} (BIGINTs), which merges up the tree. The account is given only once every page was answered, so the asking
 * node holds every pair an account counts. Runs on the plugin's workers, one task at a time, never waiting on a thread.
 */
final class LocalProbe {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final JoinBuffers.Probed probed;
  private final PageSender pairs;
  private final Executor workers;
  private final Consumer<Object[]> account;
  private long sent;
  private int group;
  private int left;
  private int right;

  LocalProbe(JoinBuffers.Probed probed, PageSender pairs, Executor workers, Consumer<Object[]> account) {
    this.probed = probed;
    this.pairs = pairs;
    this.workers = workers;
    this.account = account;
  }

  void start() {
    resume();
  }

  private void resume() {
    while (!pairs.ready() && group < probed.groups().size()) {
      JoinBuffers.Group g = probed.groups().get(group);
      pairs.add(pair(g.left().get(left), g.right().get(right)));
      sent++;
      if (++right == g.right().size()) {
        right = 0;
        if (++left == g.left().size()) {
          left = 0;
          group++;
        }
      }
    }
    boolean last = group == probed.groups().size();
    (last ? pairs.flushAll() : pairs.flush()).thenAcceptAsync(more -> {
      if (more && !last) {
        resume();
      } else {
        // Told to stop (the answer is too large, or the join ended): the account still goes, so the walk ends now.
        account.accept(new Object[] {sent, probed.left(), probed.right()});
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
