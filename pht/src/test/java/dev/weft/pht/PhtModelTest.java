package dev.weft.pht;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Indexes against a brute-force model: random inserts (duplicates included) and removes from random nodes, then random
 * range (or rectangle) queries must return exactly the model's entries, in order, across pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhtModelTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private TestCluster cluster;

  @BeforeAll
  void start() {
    MemoryNetwork net = new MemoryNetwork(7);
    cluster = TestCluster.builder().nodes(8).seed(8).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private Pht any(Random r) {
    return Pht.of(cluster.node(r.nextInt(cluster.size())));
  }

  /** Runs the tasks with at most 32 in flight and waits for all. */
  private static void parallel(List<java.util.function.Supplier<CompletableFuture<?>>> tasks) throws Exception {
    Semaphore room = new Semaphore(32);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (var t : tasks) {
      room.acquire();
      CompletableFuture<?> f = t.get();
      f.whenComplete((x, e) -> room.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
  }

  /** What an index should hold: keys in the index's order, each with its values' JSON texts in order. */
  private static final class Model {
    final TreeMap<Key, TreeSet<String>> entries;

    Model(Comparator<Key> order) {
      entries = new TreeMap<>(order);
    }

    void insert(Key k, JsonNode v) {
      entries.computeIfAbsent(k, x -> new TreeSet<>()).add(v.toString());
    }

    void remove(Key k, Optional<JsonNode> v) {
      if (v.isEmpty()) {
        entries.remove(k);
      } else if (entries.containsKey(k)) {
        entries.get(k).remove(v.get().toString());
        if (entries.get(k).isEmpty()) {
          entries.remove(k);
        }
      }
    }

    List<String> select(Key lo, Key hi, Predicate<Key> filter) {
      List<String> out = new ArrayList<>();
      entries.subMap(lo, true, hi, true).forEach((k, vs) -> {
        if (filter.test(k)) {
          vs.forEach(v -> out.add(k + "=" + v));
        }
      });
      return out;
    }

    long size() {
      return entries.values().stream().mapToLong(TreeSet::size).sum();
    }
  }

  /** Every page of {@code q}, as key=value strings; asserts each page is within the limit. */
  private static List<String> all(Pht pht, Query q) throws Exception {
    List<String> out = new ArrayList<>();
    Optional<Query> next = Optional.of(q);
    while (next.isPresent()) {
      Results page = pht.query(next.get()).get(60, TimeUnit.SECONDS);
      assertThat(page.entries().size()).isLessThanOrEqualTo(q.limit());
      page.entries().forEach(e -> out.add(e.key() + "=" + e.value()));
      next = page.next();
    }
    return out;
  }

  private void load(String index, Model model, List<Key> keys, int inserts, int removes, Random r) throws Exception {
    List<java.util.function.Supplier<CompletableFuture<?>>> tasks = new ArrayList<>();
    for (int i = 0; i < inserts; i++) {
      Key k = keys.get(r.nextInt(keys.size()));
      JsonNode v = JSON.objectNode().put("i", r.nextInt(inserts / 4 + 1));
      model.insert(k, v);
      Pht pht = any(r);
      tasks.add(() -> pht.insert(index, k, v));
    }
    parallel(tasks);
    tasks.clear();
    List<Key> present = new ArrayList<>(model.entries.keySet());
    for (int i = 0; i < removes && !present.isEmpty(); i++) {
      Key k = present.remove(r.nextInt(present.size()));
      Pht pht = any(r);
      if (r.nextBoolean()) {
        model.remove(k, Optional.empty());
        tasks.add(() -> pht.remove(index, k));
      } else {
        JsonNode v = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
            .readTree(model.entries.get(k).first());
        model.remove(k, Optional.of(v));
        tasks.add(() -> pht.remove(index, k, v));
      }
    }
    parallel(tasks);
    IndexStats stats = any(r).stats(index).get(60, TimeUnit.SECONDS);
    if (stats.entries() != model.size()) {
      // Name what differs, so a failure in CI says which entries to look for in the log.
      List<String> held = all(any(r), Query.range(index, model.entries.firstKey(), model.entries.lastKey())
          .limit(5000));
      List<String> expected = model.select(model.entries.firstKey(), model.entries.lastKey(), k -> true);
      List<String> missing = new ArrayList<>(expected);
      missing.removeAll(held);
      List<String> extra = new ArrayList<>(held);
      extra.removeAll(expected);
      assertThat(stats.entries()).as("entries in the trie (%s); missing %s; extra %s", stats, missing, extra)
          .isEqualTo(model.size());
    }
  }

  @Test
  void longKeys() throws Exception {
    Random r = new Random(100);
    Pht.of(cluster.node(0)).create("longs", KeyType.LONG, 16, 0).get(10, TimeUnit.SECONDS);
    List<Key> keys = new ArrayList<>(List.of(Key.of(Long.MIN_VALUE), Key.of(Long.MAX_VALUE), Key.of(0), Key.of(-1),
        Key.of(1), Key.of(Long.MIN_VALUE + 1), Key.of(Long.MAX_VALUE - 1)));
    for (int i = 0; i < 4000; i++) {
      keys.add(Key.of(r.nextLong()));
    }
    Model model = new Model(Comparator.comparingLong(k -> ((Key.LongKey) k).value()));
    load("longs", model, keys, 10_000, 2_000, r);
    for (int q = 0; q < 200; q++) {
      long a = q < 20 ? ((Key.LongKey) keys.get(r.nextInt(keys.size()))).value() : r.nextLong();
      long b = r.nextLong();
      Key lo = Key.of(Math.min(a, b));
      Key hi = Key.of(q % 10 == 0 ? Long.MAX_VALUE : Math.max(a, b));
      Query query = Query.range("longs", lo, hi).limit(1 + r.nextInt(q % 3 == 0 ? 50 : 5000));
      assertThat(all(any(r), query)).as("%s..%s", lo, hi).isEqualTo(model.select(lo, hi, k -> true));
    }
    Key one = model.entries.firstKey();
    assertThat(any(r).lookup("longs", one).get(10, TimeUnit.SECONDS)).extracting(JsonNode::toString)
        .containsExactlyElementsOf(model.entries.get(one));
  }

  @Test
  void stringKeys() throws Exception {
    Random r = new Random(200);
    Pht.of(cluster.node(1)).create("strings", KeyType.STRING, 8, 12).get(10, TimeUnit.SECONDS);
    String[] alphabet = {"a", "b", "ab", "é", "ü", "z", "日本", "😀", "A", "0", " ", "\u0001", "ÿ"};
    List<Key> keys = new ArrayList<>(List.of(Key.of(""), Key.of("a"), Key.of("aa"), Key.of("aaa")));
    while (keys.size() < 600) {
      StringBuilder s = new StringBuilder(r.nextBoolean() ? "common/" : "");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        s.append(alphabet[r.nextInt(alphabet.length)]);
      }
      if (s.toString().getBytes(StandardCharsets.UTF_8).length <= 12) {
        keys.add(Key.of(s.toString()));
      }
    }
    Comparator<Key> utf8 = (x, y) -> Arrays.compareUnsigned(((Key.StringKey) x).value().getBytes(StandardCharsets.UTF_8),
        ((Key.StringKey) y).value().getBytes(StandardCharsets.UTF_8));
    Model model = new Model(utf8);
    load("strings", model, keys, 1500, 300, r);
    for (int q = 0; q < 60; q++) {
      Key a = keys.get(r.nextInt(keys.size()));
      Key b = keys.get(r.nextInt(keys.size()));
      Key lo = utf8.compare(a, b) <= 0 ? a : b;
      Key hi = utf8.compare(a, b) <= 0 ? b : a;
      Query query = Query.range("strings", lo, hi).limit(1 + r.nextInt(200));
      assertThat(all(any(r), query)).as("%s..%s", lo, hi).isEqualTo(model.select(lo, hi, k -> true));
    }
  }

  @Test
  void pointKeysAndRectangles() throws Exception {
    Random r = new Random(300);
    Pht.of(cluster.node(2)).create("points", KeyType.POINT, 8, 0).get(10, TimeUnit.SECONDS);
    List<Key> keys = new ArrayList<>(List.of(Key.point(Integer.MIN_VALUE, Integer.MIN_VALUE),
        Key.point(Integer.MAX_VALUE, Integer.MAX_VALUE), Key.point(0, 0), Key.point(-1, 1)));
    for (int i = 0; i < 800; i++) {
      keys.add(i % 2 == 0 ? Key.point(r.nextInt(2000) - 1000, r.nextInt(2000) - 1000)
          : Key.point(r.nextInt(), r.nextInt()));
    }
    Function<Key, Long> z = k -> {
      Key.PointKey p = (Key.PointKey) k;
      long x = (p.x() ^ Integer.MIN_VALUE) & 0xffffffffL;
      long y = (p.y() ^ Integer.MIN_VALUE) & 0xffffffffL;
      long out = 0;
      for (int i = 31; i >= 0; i--) {
        out = out << 1 | (x >>> i & 1);
        out = out << 1 | (y >>> i & 1);
      }
      return out;
    };
    Comparator<Key> zorder = (a, b) -> Long.compareUnsigned(z.apply(a), z.apply(b));
    Model model = new Model(zorder);
    load("points", model, keys, 2000, 400, r);
    for (int q = 0; q < 60; q++) {
      int span = q % 2 == 0 ? 400 : Integer.MAX_VALUE / 2;
      int x0 = q % 2 == 0 ? r.nextInt(2000) - 1000 : r.nextInt();
      int y0 = q % 2 == 0 ? r.nextInt(2000) - 1000 : r.nextInt();
      int x1 = (int) Math.min(Integer.MAX_VALUE, (long) x0 + r.nextInt(span));
      int y1 = (int) Math.min(Integer.MAX_VALUE, (long) y0 + r.nextInt(span));
      Key.PointKey lo = new Key.PointKey(x0, y0);
      Key.PointKey hi = new Key.PointKey(x1, y1);
      Query query = Query.rectangle("points", lo, hi).limit(1 + r.nextInt(100));
      Predicate<Key> inside = k -> {
        Key.PointKey p = (Key.PointKey) k;
        return p.x() >= x0 && p.x() <= x1 && p.y() >= y0 && p.y() <= y1;
      };
      List<String> expected = new ArrayList<>();
      model.entries.forEach((k, vs) -> {
        if (inside.test(k)) {
          vs.forEach(v -> expected.add(k + "=" + v));
        }
      });
      assertThat(all(any(r), query)).as("rectangle %s..%s", lo, hi).isEqualTo(expected);
    }
    Map<Key, TreeSet<String>> unused = model.entries;
    assertThat(unused).isNotEmpty();
    Node n = cluster.node(3);
    assertThat(Pht.of(n).query(Query.range("points", Key.point(0, 0), Key.point(5, 5))).get(30, TimeUnit.SECONDS)
        .entries()).allMatch(e -> e.key() instanceof Key.PointKey);
  }
}
