package dev.weft.pht.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.internal.TrieNode.State;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Splits and merges of one keeper that keeps every trie node, on the embedded DHT's storage in virtual time. */
class TrieKeeperTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final EmbeddedDht net = new EmbeddedDht(9);
  private final EmbeddedPeer peer = net.addPeer();
  private final TrieStore store = new TrieStore(peer.storage(), net.scheduler()::nanoTime);
  private final KeyCodec codec = new KeyCodec(new IndexInfo("ix", KeyType.LONG, 2, 64, 0));
  private final TrieKeeper[] keeper = new TrieKeeper[1];

  TrieKeeperTest() {
    // Every trie node is this keeper's; operations it sends itself go round the scheduler, as through a peer.
    keeper[0] = new TrieKeeper(store, (c, prefix, op) -> {
      CompletableFuture<JsonNode> out = new CompletableFuture<>();
      net.scheduler().execute(() -> keeper[0].apply(c, prefix, op.at(prefix)).whenComplete((a, e) -> {
        if (e != null) {
          out.completeExceptionally(e);
        } else {
          out.complete(a.toJson());
        }
      }));
      return out;
    });
    net.await(store.writeDefinition(codec.info()));
    net.await(store.write(codec, "", TrieNode.leaf(List.of())));
  }

  private JsonNode op(String name, long key, String prefix) {
    KeeperRequest op = name.equals("insert")
        ? KeeperRequest.OnKey.insert("ix", codec.toJson(Key.of(key)), JSON.numberNode(key))
        : KeeperRequest.OnKey.remove("ix", codec.toJson(Key.of(key)), null);
    op = op.at(prefix);
    return net.await(keeper[0].apply(codec, prefix, op)).toJson();
  }

  private TrieNode node(String prefix) {
    return net.await(store.read(codec, prefix)).orElse(null);
  }

  @Test
  void aFullLeafSplitsAndEmptiedChildrenMergeBack() {
    assertThat(op("insert", -5, "")).hasToString("{\"added\":true}");
    assertThat(op("insert", 5, "")).hasToString("{\"added\":true}");
    assertThat(op("insert", 5, "")).as("idempotent").hasToString("{\"added\":false}");
    assertThat(op("insert", 6, "")).hasToString("{\"added\":true}");
    net.advance(Duration.ofSeconds(1));
    assertThat(node("").state()).isEqualTo(State.INTERNAL);
    assertThat(node("0").entries()).hasSize(1);
    assertThat(node("1").entries()).hasSize(2);
    assertThat(op("insert", 7, "")).as("the root holds no entries now").hasToString("{\"retry\":\"internal\"}");

    assertThat(op("remove", 5, "1")).hasToString("{\"removed\":1}");
    assertThat(op("remove", 6, "1")).hasToString("{\"removed\":1}");
    net.advance(Duration.ofSeconds(1));
    assertThat(node("").state()).as("merged: one entry is at most B/2").isEqualTo(State.LEAF);
    assertThat(node("").entries()).hasSize(1);
    assertThat(node("0")).isNull();
    assertThat(node("1")).isNull();
  }

  @Test
  void aKeyOutsideTheNodesPrefixIsSentBack() {
    assertThat(op("insert", 5, "0")).hasToString("{\"retry\":\"key not under this prefix\"}");
  }

  @Test
  void aSplitThatFailsHalfwayAnswersMaybe() {
    TrieKeeper cut = new TrieKeeper(store, (c, prefix, op) -> CompletableFuture.failedFuture(
        new dev.weft.api.WeftException("child keeper gone")));
    for (long k = 1; k <= 2; k++) {
      net.await(cut.apply(codec, "", KeeperRequest.OnKey.insert("ix", codec.toJson(Key.of(k)), JSON.numberNode(1))));
    }
    // The split was recorded before the children were asked: the insert may have happened.
    assertThat(net.await(cut.apply(codec, "", KeeperRequest.OnKey.insert("ix", codec.toJson(Key.of(3)),
        JSON.numberNode(1)))).toJson()).hasToString(
        "{\"retry\":\"keeper: dev.weft.api.WeftException: child keeper gone\",\"maybe\":true}");
  }
}
