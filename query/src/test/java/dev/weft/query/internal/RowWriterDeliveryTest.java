package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.WriteReport;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A keeper that does not answer a write gets the same message again (same write id, which it applies once), up to
 * {@link RowWriter#DELIVERIES} times; only then is the row "may or may not be written". Other failures are not retried.
 */
class RowWriterDeliveryTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("a", ColumnType.INTEGER, false, 0, 0)), List.of("a"), "0123456789abcdef0123456789abcdef");
  private static final Random IDS = new Random(5);
  private static final Contact SELF = new Contact(NodeId.random(IDS), List.of(Address.parse("udp://127.0.0.1:1")));
  private static final Contact KEEPER = new Contact(NodeId.random(IDS), List.of(Address.parse("udp://127.0.0.1:2")));

  /** The write messages sent, in order. */
  private final List<JsonNode> sent = new ArrayList<>();

  /** A DHT where the keeper of every row is {@link #KEEPER} and requests to it are answered by {@code keeper}. */
  private Dht dht(Function<JsonNode, CompletableFuture<JsonNode>> keeper) {
    return (Dht) Proxy.newProxyInstance(Dht.class.getClassLoader(), new Class<?>[] {Dht.class}, (p, m, args) ->
        switch (m.getName()) {
          case "self" -> SELF;
          case "keyId" -> NodeId.random(new Random(args[1].hashCode()));
          case "lookup" -> CompletableFuture.completedFuture(List.of(KEEPER));
          case "request" -> {
            JsonNode body = (JsonNode) args[2];
            synchronized (sent) {
              sent.add(body);
            }
            yield keeper.apply(body);
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  private static WriteReport insertOne(RowWriter writer) {
    return writer.write(T, List.of(new RowOp.Insert(new Object[] {1})),
        new QueryContext(Duration.ofSeconds(20), new AtomicBoolean(), false, 100, 1 << 20));
  }

  private static CompletableFuture<JsonNode> timeout() {
    return CompletableFuture.failedFuture(new TimeoutException("no answer"));
  }

  @Test
  void anUnansweredWriteIsSentAgainWithTheSameIdAndCountsOnce() {
    RowWriter[] writer = new RowWriter[1];
    writer[0] = new RowWriter(dht(body -> {
      if (sent.size() < RowWriter.DELIVERIES) {
        return timeout();  // the keeper's node stalled: no answer to the first deliveries
      }
      // the last delivery is accepted, and the keeper reports the row written
      CompletableFuture.runAsync(() -> writer[0].onWritten(JsonNodeFactory.instance.objectNode().put("t", "written")
          .put("w", body.get("w").textValue()).set("results", JsonNodeFactory.instance.arrayNode().add(RowKeeper.OK))));
      return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("accepted", true));
    }), null, null, 8, 65536);

    WriteReport report = insertOne(writer[0]);

    assertThat(report.applied()).isEqualTo(1);
    assertThat(report.failures()).isEmpty();
    assertThat(sent).hasSize(RowWriter.DELIVERIES);
    assertThat(sent.stream().map(b -> b.get("w").textValue()).distinct()).hasSize(1);
  }

  @Test
  void aKeeperThatNeverAnswersLeavesTheRowUnknown() {
    RowWriter writer = new RowWriter(dht(body -> timeout()), null, null, 8, 65536);

    WriteReport report = insertOne(writer);

    assertThat(report.applied()).isZero();
    assertThat(report.failures()).singleElement().satisfies(f ->
        assertThat(f.reason()).contains("may or may not be written"));
    assertThat(sent).hasSize(RowWriter.DELIVERIES);
  }

  @Test
  void aRefusalIsNotRetried() {
    RowWriter writer = new RowWriter(dht(body -> CompletableFuture.failedFuture(
        new dev.weft.api.WeftException("refused: rate"))), null, null, 8, 65536);

    WriteReport report = insertOne(writer);

    assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("refused: rate"));
    assertThat(sent).hasSize(1);
  }
}
