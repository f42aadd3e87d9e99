package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.LookupFailedException;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import dev.weft.api.NodeStats;
import dev.weft.api.Page;
import dev.weft.api.PutResult;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import dev.weft.distribution.config.HostPort;
import dev.weft.messaging.MessageHandler;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.UndeliverableException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * How the API maps failures a real network produces only by chance (a timeout, an engine error, a bug) to statuses.
 * A real node cannot be made to fail on cue, so this class alone uses a node whose answers the test scripts; the
 * mapping of real outcomes is covered by {@link HttpApiTest} on real nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class HttpApiFaultTest {
  private ScriptedNode node;
  private HttpApi api;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    node = new ScriptedNode();
    api = HttpApi.start(node, new HttpApi.Options(new HostPort("127.0.0.1", 0), 64 * 1024, Duration.ofMillis(300)));
    http = new Http(api.uri());
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void lookupFailureIs503() throws Exception {
    node.answer = () -> CompletableFuture.failedFuture(new LookupFailedException("none of the 3 nodes answered"));
    Http.Answer get = http.get("/v1/objects/a/b");
    assertThat(get.status()).isEqualTo(503);
    assertThat(get.json().get("error").asText()).isEqualTo("lookup failed: none of the 3 nodes answered");
  }

  @Test
  void otherNetworkFailureIs503() throws Exception {
    node.answer = () -> CompletableFuture.failedFuture(new WeftException("no replica acknowledged"));
    Http.Answer put = http.put("/v1/objects/a/b", "1");
    assertThat(put.status()).isEqualTo(503);
    assertThat(put.json().get("error").asText()).isEqualTo("no replica acknowledged");
  }

  @Test
  void nodeThatNeverAnswersIs503AfterTheTimeout() throws Exception {
    CompletableFuture<Object> never = new CompletableFuture<>();
    node.answer = () -> never;
    Http.Answer get = http.get("/v1/objects/a/b");
    assertThat(get.status()).isEqualTo(503);
    assertThat(get.json().get("error").asText()).contains("did not answer within 300 ms");
    assertThat(never).as("the node's own future is left alone").isNotDone();
  }

  @Test
  void valueTooLargeIs413() throws Exception {
    node.answer = () -> CompletableFuture.failedFuture(new ValueTooLargeException("value", 70_000, 65_536));
    Http.Answer put = http.put("/v1/objects/a/b", "1");
    assertThat(put.status()).isEqualTo(413);
    assertThat(put.json().get("error").asText()).isEqualTo("value is 70000 bytes, over the limit of 65536 bytes");
  }

  @Test
  void exceptionThrownInsteadOfReturnedIsMappedToo() throws Exception {
    node.answer = () -> {
      throw new IllegalArgumentException("namespace too long");
    };
    assertThat(http.get("/v1/objects/a/b").status()).isEqualTo(400);
  }

  @Test
  void bugInTheNodeIs500AndTheServerKeepsServing() throws Exception {
    node.answer = () -> CompletableFuture.failedFuture(new IllegalStateException("oops"));
    Http.Answer get = http.get("/v1/objects/a/b");
    assertThat(get.status()).isEqualTo(500);
    assertThat(get.json().get("error").asText()).contains("oops");

    node.answer = () -> {
      throw new NullPointerException("synchronous bug");
    };
    assertThat(http.get("/v1/objects/a/b").status()).isEqualTo(500);
    assertThat(http.get("/v1/info").status()).isEqualTo(500);

    node.answer = () -> CompletableFuture.completedFuture(Optional.empty());
    assertThat(http.get("/v1/objects/a/b").status()).isEqualTo(404);
  }

  @Test
  void nodeWithoutMessagingIs501() throws Exception {
    node.messaging = false;
    Http.Answer all = http.send("POST", "/v1/messages/all", HttpRequest.BodyPublishers.ofString("1"));
    assertThat(all.status()).isEqualTo(501);
    assertThat(all.json().get("error").asText()).contains("no messaging plugin");
    assertThat(http.get("/v1/messages/stream").status()).isEqualTo(501);
  }

  @Test
  void nodeThatDidNotTakeTheMessageIs503AndOneNotInTheNetworkIs404() throws Exception {
    node.messaging = true;
    String to = NodeId.random(new Random(8)).toHex();
    node.answer = () -> CompletableFuture.failedFuture(
        new UndeliverableException(UndeliverableException.Reason.NO_ANSWER,
            "node " + to + " did not take the message: timed out"));
    Http.Answer refused = http.send("POST", "/v1/messages/node/" + to, HttpRequest.BodyPublishers.ofString("1"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().get("error").asText()).isEqualTo("node " + to + " did not take the message: timed out");

    node.answer = () -> CompletableFuture.failedFuture(new UndeliverableException(
        UndeliverableException.Reason.NO_SUCH_NODE,
        "node " + to + " is not in the network (a lookup for it found 3 other nodes)"));
    Http.Answer missing = http.send("POST", "/v1/messages/node/" + to, HttpRequest.BodyPublishers.ofString("1"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).startsWith("not found: node " + to + " is not in the network");

    node.answer = () -> CompletableFuture.failedFuture(
        new UndeliverableException(UndeliverableException.Reason.NO_ANSWER, "no answer from the node responsible for ns/k (3 nodes tried)"));
    assertThat(http.send("POST", "/v1/messages/key/ns/k", HttpRequest.BodyPublishers.ofString("1")).status())
        .isEqualTo(503);
  }

  @Test
  void sendThatNeverCompletesIs503AfterTheTimeout() throws Exception {
    node.messaging = true;
    node.answer = CompletableFuture::new;
    Http.Answer all = http.send("POST", "/v1/messages/all", HttpRequest.BodyPublishers.ofString("1"));
    assertThat(all.status()).isEqualTo(503);
    assertThat(all.json().get("error").asText()).contains("did not answer within 300 ms");
  }

  /**
   * A node whose storage and messaging answer every call with {@link #answer}; info and stats throw when it throws.
   * It has messaging only when {@link #messaging} says so.
   */
  private static final class ScriptedNode implements Node, Storage, Messaging {
    private final NodeId id = NodeId.random(new Random(7));
    volatile Supplier<CompletableFuture<?>> answer = () -> new CompletableFuture<>();
    volatile boolean messaging;

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> next() {
      return (CompletableFuture<T>) answer.get();
    }

    @Override
    public NodeId id() {
      return id;
    }

    @Override
    public List<Address> addresses() {
      return List.of(Address.parse("udp://127.0.0.1:1"));
    }

    @Override
    public CompletableFuture<Integer> join(Collection<Address> bootstrap) {
      return next();
    }

    @Override
    public Storage storage() {
      return this;
    }

    @Override
    public NodeInfo info() {
      answer.get();
      return new NodeInfo(id, addresses(), 0, 0, List.of());
    }

    @Override
    public NodeStats stats() {
      answer.get();
      return new NodeStats(Map.of(), 0, Map.of(), 0, 0, 0, 0, 0);
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
      return messaging && type == Messaging.class ? Optional.of(type.cast(this)) : Optional.empty();
    }

    @Override
    public void close() {}

    @Override
    public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl) {
      return next();
    }

    @Override
    public CompletableFuture<Optional<StoredObject>> get(String namespace, String key) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> delete(String namespace, String key) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value,
        dev.weft.api.RecordSigner signer) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl,
        dev.weft.api.RecordSigner signer) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> putSigned(dev.weft.api.Record record) {
      return next();
    }

    @Override
    public CompletableFuture<PutResult> delete(String namespace, String key, dev.weft.api.RecordSigner signer) {
      return next();
    }

    @Override
    public CompletableFuture<Page<StoredObject>> lscan(Scan scan) {
      return next();
    }

    @Override
    public CompletableFuture<Delivery> send(String namespace, String key, JsonNode message) {
      return next();
    }

    @Override
    public CompletableFuture<Delivery> sendNode(NodeId node, JsonNode message) {
      return next();
    }

    @Override
    public CompletableFuture<Broadcast> sendAll(JsonNode message) {
      return next();
    }

    @Override
    public Registration registerMessageHandler(MessageHandler handler) {
      return () -> {};
    }

    @Override
    public Messaging channel(String name) {
      return this;
    }
  }
}
