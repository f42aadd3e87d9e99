package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.Version;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.schema.Global;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
  static final int HAVE_NAMES = 600;
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

  /**
   * The answer to a {@code buckets}, {@code pull} or {@code push} request.
   *
   * @throws IllegalArgumentException when a pushed global is malformed (those before it are applied)
   */
  ObjectNode answer(SyncRequest request) {
    if (request instanceof SyncRequest.Pull pull) {
      return pullAnswer(pull).toJson();
    }
    if (request instanceof SyncRequest.Push push) {
      return SyncRequest.Push.answer(apply(push));
    }
    return new SyncRequest.Buckets.Answer(state.table.root(), state.table.sums()).toJson();
  }

  /** The globals the asker lacks in the buckets it names (a page of them), and the names it has newer. */
  private SyncRequest.Pull.Answer pullAnswer(SyncRequest.Pull pull) {
    Map<String, Version> theirs = pull.have();
    List<Global> entries = new ArrayList<>();
    List<String> want = new ArrayList<>();
    int bytes = 0;
    boolean more = false;
    Set<String> mine = new HashSet<>();
    for (Global g : state.table.inBuckets(pull.buckets())) {
      mine.add(g.name());
      Version v = theirs.get(g.name());
      if (v == null ? state.expired(g) : !g.version().isNewerThan(v)) {
        if (v != null && v.isNewerThan(g.version())) {
          want.add(g.name());
        }
        continue;
      }
      int size = utf8Size(GlobalCodec.encode(g));
      if (bytes + size > PAGE_BYTES) {
        more = true;
        continue;
      }
      bytes += size;
      entries.add(g);
    }
    theirs.keySet().stream().filter(n -> !mine.contains(n)).sorted().forEach(want::add);
    return new SyncRequest.Pull.Answer(entries, want, more, 0);
  }

  private int apply(SyncRequest.Push push) {
    int applied = 0;
    for (Global g : push.globals()) {
      if (state.accept(g, GlobalState.Source.SYNC)) {
        applied++;
      }
    }
    if (push.malformed() != null) {
      throw new IllegalArgumentException(push.malformed());
    }
    return applied;
  }

  /** One exchange with {@code peer}: both end with the newer version of every name either held. [learned, taught]. */
  CompletableFuture<int[]> syncWith(Contact peer) {
    if (closed.getAsBoolean() || peer.id().equals(dht.self().id()) || !syncing.add(peer.id())) {
      return CompletableFuture.completedFuture(new int[2]);
    }
    syncs.increment();
    int[] counts = new int[2];
    return dht.request(peer, SchemaPlugin.CHANNEL, new SyncRequest.Buckets().toJson())
        .thenCompose(answer -> {
          if (state.table.root().equals(answer.path("root").asText())) {
            return CompletableFuture.completedFuture(null);
          }
          long[] theirs = SyncRequest.Buckets.Answer.fromJson(answer).sums();
          long[] ours = state.table.sums();
          List<Integer> differing = new ArrayList<>();
          for (int i = 0; i < Digest.BUCKETS; i++) {
            if (theirs[i] != ours[i]) {
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
    Map<String, Version> have = new LinkedHashMap<>();
    for (Global g : state.table.inBuckets(buckets)) {
      have.put(g.name(), g.version());
    }
    SyncRequest.Pull request = new SyncRequest.Pull(buckets, have);
    return dht.request(peer, SchemaPlugin.CHANNEL, request.toJson()).thenCompose(json -> {
      SyncRequest.Pull.Answer answer = SyncRequest.Pull.Answer.fromJson(json, state.maxValueBytes);
      int learned = counts[0];
      for (Global g : answer.entries()) {
        if (state.accept(g, GlobalState.Source.SYNC)) {
          counts[0]++;
        }
      }
      state.rejected.add(answer.rejected());
      CompletableFuture<Void> pushed = round == 0 ? push(peer, answer.want(), counts)
          : CompletableFuture.completedFuture(null);
      // Another page while pages teach us something; one that taught nothing would come back the same.
      if (answer.more() && counts[0] > learned && round + 1 < MAX_PULLS) {
        return pushed.thenCompose(v -> pull(peer, buckets, round + 1, counts));
      }
      return pushed;
    });
  }

  private CompletableFuture<Void> push(Contact peer, List<String> names, int[] counts) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    List<Global> page = new ArrayList<>();
    int bytes = 0;
    for (String name : names) {
      Global g = state.table.get(name);
      if (g == null || state.expired(g)) {
        continue;
      }
      int size = utf8Size(GlobalCodec.encode(g));
      if (bytes + size > PAGE_BYTES && !page.isEmpty()) {
        chain = chainPush(chain, peer, page, counts);
        page = new ArrayList<>();
        bytes = 0;
      }
      page.add(g);
      bytes += size;
    }
    return page.isEmpty() ? chain : chainPush(chain, peer, page, counts);
  }

  private static int utf8Size(JsonNode json) {
    return json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
  }

  private CompletableFuture<Void> chainPush(CompletableFuture<Void> after, Contact peer, List<Global> page,
      int[] counts) {
    ObjectNode request = new SyncRequest.Push(page).toJson();
    return after.thenCompose(v -> dht.request(peer, SchemaPlugin.CHANNEL, request))
        .thenAccept(answer -> counts[1] += SyncRequest.Push.applied(answer));
  }
}
