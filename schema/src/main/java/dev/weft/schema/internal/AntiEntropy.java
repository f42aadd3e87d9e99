package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.Version;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.schema.Global;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy on the DHT's {@code schema} channel, both ends of one exchange: the asking side ({@link #syncWith})
 * compares the 64 bucket sums, then for the buckets that differ sends the versions it holds ({@code pull}); the
 * answering side ({@link #answer}) returns the globals newer than those (paged) and the names it wants, which the asker
 * then pushes. Both ends hold the newest of either after one exchange. Wire forms: docs/protocol.md.
 *
 * <p>Called on the node's event thread (requests) and on the callers' of {@link dev.weft.schema.Schema#sync()}.
 */
final class AntiEntropy {
  private static final Logger LOG = LoggerFactory.getLogger(AntiEntropy.class);
  /** Budget for globals in one sync answer or push; a single value is at most 48KiB, so one always fits. */
  private static final int PAGE_BYTES = 56 * 1024;
  /** Names whose versions one pull carries; with at most 20,000 names one bucket holds far fewer. */
  private static final int HAVE_NAMES = 600;
  private static final int MAX_PULLS = 64;
  static final int MAX_CONCURRENT_SYNCS = 4;

  private final Dht dht;
  private final GlobalState state;
  private final BooleanSupplier closed;
  private final Set<dev.weft.api.NodeId> syncing = ConcurrentHashMap.newKeySet();
  final LongAdder syncs = new LongAdder();

  AntiEntropy(Dht dht, GlobalState state, BooleanSupplier closed) {
    this.dht = dht;
    this.state = state;
    this.closed = closed;
  }

  /** Whether fewer exchanges than the most allowed at once are running. */
  boolean canStartAnother() {
    return syncing.size() < MAX_CONCURRENT_SYNCS;
  }

  /** The answer to a {@code buckets}, {@code pull} or {@code push} request; IllegalArgumentException when malformed. */
  ObjectNode answer(String op, JsonNode body) {
    return switch (op) {
      case "buckets" -> bucketsAnswer();
      case "pull" -> pullAnswer(body);
      case "push" -> pushAnswer(body);
      default -> throw new IllegalArgumentException("unknown schema op '" + op + "'");
    };
  }

  private ObjectNode bucketsAnswer() {
    ByteBuffer b = ByteBuffer.allocate(Digest.BUCKETS * 8);
    for (long s : state.table.sums()) {
      b.putLong(s);
    }
    return GlobalCodec.JSON.objectNode().put("root", state.table.root())
        .put("sums", Base64.getEncoder().encodeToString(b.array()));
  }

  /** The globals the asker lacks in the buckets it names (a page of them), and the names it has newer. */
  private ObjectNode pullAnswer(JsonNode body) {
    Set<Integer> buckets = new HashSet<>();
    for (JsonNode b : body.path("bk")) {
      int i = b.asInt(-1);
      if (!b.isInt() || i < 0 || i >= Digest.BUCKETS) {
        throw new IllegalArgumentException("bad bucket " + b);
      }
      buckets.add(i);
    }
    JsonNode have = body.path("have");
    if (!have.isObject() || have.size() > 2 * HAVE_NAMES) {
      throw new IllegalArgumentException("bad have list");
    }
    Map<String, Version> theirs = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = have.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      theirs.put(GlobalCodec.checkName(e.getKey()), Version.parse(e.getValue().asText()));
    }
    ArrayNode entries = GlobalCodec.JSON.arrayNode();
    ArrayNode want = GlobalCodec.JSON.arrayNode();
    int bytes = 0;
    boolean more = false;
    Set<String> mine = new HashSet<>();
    for (Global g : state.table.inBuckets(buckets)) {
      mine.add(g.name());
      Version v = theirs.get(g.name());
      if (v == null ? state.expired(g) : !g.version().isNewerThan(v)) {
        if (v != null && v.isNewerThan(g.version())) {
          want.add(g.name());
        }
        continue;
      }
      ObjectNode e = GlobalCodec.encode(g);
      int size = utf8Size(e);
      if (bytes + size > PAGE_BYTES) {
        more = true;
        continue;
      }
      bytes += size;
      entries.add(e);
    }
    theirs.keySet().stream().filter(n -> !mine.contains(n)).sorted().forEach(want::add);
    ObjectNode answer = GlobalCodec.JSON.objectNode();
    answer.set("e", entries);
    answer.set("want", want);
    return answer.put("more", more);
  }

  private ObjectNode pushAnswer(JsonNode body) {
    int applied = 0;
    for (JsonNode e : body.path("e")) {
      if (state.accept(GlobalCodec.decode(e, state.maxValueBytes), GlobalState.Source.SYNC)) {
        applied++;
      }
    }
    return GlobalCodec.JSON.objectNode().put("applied", applied);
  }

  /** One exchange with {@code peer}: both end with the newer version of every name either held. [learned, taught]. */
  CompletableFuture<int[]> syncWith(Contact peer) {
    if (closed.getAsBoolean() || peer.id().equals(dht.self().id()) || !syncing.add(peer.id())) {
      return CompletableFuture.completedFuture(new int[2]);
    }
    syncs.increment();
    int[] counts = new int[2];
    return dht.request(peer, SchemaPlugin.CHANNEL, GlobalCodec.JSON.objectNode().put("op", "buckets"))
        .thenCompose(answer -> {
          if (state.table.root().equals(answer.path("root").asText())) {
            return CompletableFuture.completedFuture(null);
          }
          byte[] raw = Base64.getDecoder().decode(answer.path("sums").asText());
          if (raw.length != Digest.BUCKETS * 8) {
            throw new IllegalArgumentException("bad bucket sums from " + peer.id().shortHex());
          }
          ByteBuffer theirs = ByteBuffer.wrap(raw);
          long[] ours = state.table.sums();
          List<Integer> differing = new ArrayList<>();
          for (int i = 0; i < Digest.BUCKETS; i++) {
            if (theirs.getLong() != ours[i]) {
              differing.add(i);
            }
          }
          return pullChunks(peer, differing, 0, counts);
        })
        .handle((v, e) -> {
          syncing.remove(peer.id());
          if (e != null) {
            LOG.debug("schema sync with {} failed: {}", peer.id().shortHex(), e.toString());
          }
          return counts;
        });
  }

  /** Pulls the buckets of {@code differing} from {@code index} on, a chunk of at most {@link #HAVE_NAMES} names. */
  private CompletableFuture<Void> pullChunks(Contact peer, List<Integer> differing, int index, int[] counts) {
    if (index >= differing.size()) {
      return CompletableFuture.completedFuture(null);
    }
    Set<Integer> chunk = new HashSet<>();
    int names = 0;
    int next = index;
    while (next < differing.size()) {
      int n = state.table.inBuckets(Set.of(differing.get(next))).size();
      if (!chunk.isEmpty() && names + n > HAVE_NAMES) {
        break;
      }
      chunk.add(differing.get(next++));
      names += n;
    }
    int resume = next;
    return pull(peer, chunk, 0, counts).thenCompose(v -> pullChunks(peer, differing, resume, counts));
  }

  private CompletableFuture<Void> pull(Contact peer, Set<Integer> buckets, int round, int[] counts) {
    ObjectNode have = GlobalCodec.JSON.objectNode();
    for (Global g : state.table.inBuckets(buckets)) {
      have.put(g.name(), g.version().toString());
    }
    ObjectNode request = GlobalCodec.JSON.objectNode().put("op", "pull");
    ArrayNode bk = request.putArray("bk");
    buckets.stream().sorted().forEach(bk::add);
    request.set("have", have);
    return dht.request(peer, SchemaPlugin.CHANNEL, request).thenCompose(answer -> {
      int learned = counts[0];
      for (JsonNode e : answer.path("e")) {
        try {
          if (state.accept(GlobalCodec.decode(e, state.maxValueBytes), GlobalState.Source.SYNC)) {
            counts[0]++;
          }
        } catch (IllegalArgumentException ex) {
          state.rejected.increment();
        }
      }
      List<String> want = new ArrayList<>();
      answer.path("want").forEach(n -> want.add(n.asText()));
      CompletableFuture<Void> pushed = round == 0 ? push(peer, want, counts) : CompletableFuture.completedFuture(null);
      // Another page while pages teach us something; one that taught nothing would come back the same.
      if (answer.path("more").asBoolean(false) && counts[0] > learned && round + 1 < MAX_PULLS) {
        return pushed.thenCompose(v -> pull(peer, buckets, round + 1, counts));
      }
      return pushed;
    });
  }

  private CompletableFuture<Void> push(Contact peer, List<String> names, int[] counts) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    ArrayNode page = GlobalCodec.JSON.arrayNode();
    int bytes = 0;
    for (String name : names) {
      Global g = state.table.get(name);
      if (g == null || state.expired(g)) {
        continue;
      }
      ObjectNode e = GlobalCodec.encode(g);
      int size = utf8Size(e);
      if (bytes + size > PAGE_BYTES && !page.isEmpty()) {
        chain = chainPush(chain, peer, page, counts);
        page = GlobalCodec.JSON.arrayNode();
        bytes = 0;
      }
      page.add(e);
      bytes += size;
    }
    return page.isEmpty() ? chain : chainPush(chain, peer, page, counts);
  }

  private static int utf8Size(JsonNode json) {
    return json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
  }

  private CompletableFuture<Void> chainPush(CompletableFuture<Void> after, Contact peer, ArrayNode page, int[] counts) {
    ObjectNode request = GlobalCodec.JSON.objectNode().put("op", "push");
    request.set("e", page);
    return after.thenCompose(v -> dht.request(peer, SchemaPlugin.CHANNEL, request))
        .thenAccept(answer -> counts[1] += answer.path("applied").asInt(0));
  }
}
