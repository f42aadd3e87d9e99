package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.Weft;
import dev.weft.api.WeftException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A node's storage after close fails every call at once, with a clear error: no future is left pending forever. */
class ClosedNodeTest {
  @Test
  void everyStorageCallOnAClosedNodeFailsAtOnce() {
    Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
    Storage storage = node.storage();
    node.close();
    List<Function<Storage, CompletableFuture<?>>> calls = List.of(
        s -> s.get("ns", "k"),
        s -> s.put("ns", "k", JsonNodeFactory.instance.numberNode(1)),
        s -> s.put("ns", "k", JsonNodeFactory.instance.numberNode(1), Duration.ofMinutes(1)),
        s -> s.delete("ns", "k"),
        s -> s.lscan(Scan.all()));
    for (Function<Storage, CompletableFuture<?>> call : calls) {
      CompletableFuture<?> f = call.apply(storage);
      assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause().isInstanceOf(WeftException.class).withMessage("node closed");
    }
  }
}
