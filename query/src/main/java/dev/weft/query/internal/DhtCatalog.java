package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.RateLimitedException;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Catalog;
import dev.weft.query.data.QueryContext;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog in the schema module's globals (docs/query.md, "Catalog"): {@code sql.table.<name>} and {@code
 * sql.index.<name>}. Reads answer from the globals this node knows; a definition that does not parse (a newer node's,
 * or a forged one) is logged once and treated as absent rather than failing every statement.
 */
final class DhtCatalog implements Catalog {
  private static final Logger LOG = LoggerFactory.getLogger(DhtCatalog.class);

  private final Schema schema;
  private final Duration settle;
  /** Parsed definitions by global name, valid while the global's version is the same. */
  private final Map<String, Parsed<?>> parsed = new ConcurrentHashMap<>();

  private record Parsed<T>(Global global, Optional<T> value) {}

  private final IndexBuilder builder;

  /** Fills a new index from the table's rows; blocks the statement until done (DhtTables#build). */
  @FunctionalInterface
  interface IndexBuilder {
    void build(IndexDefinition index, QueryContext context);
  }

  DhtCatalog(Schema schema, Duration settle, IndexBuilder builder) {
    this.schema = schema;
    this.settle = settle;
    this.builder = builder;
  }

  @Override
  public Optional<TableDefinition> table(String name) {
    return schema.global(TableDefinition.globalNameOf(name)).flatMap(g -> parse(g, name, TableDefinition::fromJson));
  }

  @Override
  public SortedMap<String, TableDefinition> tables() {
    SortedMap<String, TableDefinition> out = new TreeMap<>();
    for (Global g : schema.globals().values()) {
      TableDefinition.tableOfGlobal(g.name()).flatMap(n -> parse(g, n, TableDefinition::fromJson))
          .ifPresent(t -> out.put(t.name(), t));
    }
    return out;
  }

  @Override
  public Optional<IndexDefinition> index(String name) {
    return schema.global(IndexDefinition.globalNameOf(name)).flatMap(g -> parse(g, name, IndexDefinition::fromJson));
  }

  @Override
  public List<IndexDefinition> indexesOf(TableDefinition table) {
    List<IndexDefinition> out = new ArrayList<>();
    for (Global g : schema.globals().values()) {
      IndexDefinition.indexOfGlobal(g.name()).flatMap(n -> parse(g, n, IndexDefinition::fromJson))
          .filter(i -> i.table().equals(table.name()) && i.tableIncarnation().equals(table.incarnation()))
          .ifPresent(out::add);
    }
    return out;
  }

  @Override
  public boolean createTable(TableDefinition table, boolean ifNotExists, QueryContext context) {
    if (table(table.name()).isPresent()) {
      if (ifNotExists) {
        return false;
      }
      throw new QueryException(Reason.INVALID, "table " + table.name() + " already exists");
    }
    write(() -> schema.setGlobal(table.globalName(), table.toJson()), context, "writing the catalog");
    // Another node may have created the same name at the same moment; the newest version wins everywhere. Give the
    // broadcasts time to meet, then look whose definition this node holds.
    Blocking.await(delay(settle), context, "waiting for the catalog to settle");
    Optional<TableDefinition> now = table(table.name());
    if (now.isEmpty() || !now.get().incarnation().equals(table.incarnation())) {
      throw new QueryException(Reason.CONFLICT, "table " + table.name() + " was created or dropped concurrently by"
          + " another statement; its definition is now " + now.map(t -> "the other one").orElse("gone"));
    }
    return true;
  }

  @Override
  public boolean dropTable(String name, boolean ifExists, QueryContext context) {
    Optional<TableDefinition> table = table(name);
    if (table.isEmpty()) {
      if (ifExists) {
        return false;
      }
      throw new QueryException(Reason.INVALID, "table " + name + " does not exist");
    }
    // Indexes first: an index global naming a dropped incarnation is never read, but is clutter in every node's state.
    for (IndexDefinition i : indexesOf(table.get())) {
      write(() -> schema.removeGlobal(i.globalName()), context, "removing index " + i.name());
    }
    write(() -> schema.removeGlobal(table.get().globalName()), context, "removing table " + name);
    return true;
  }

  @Override
  public boolean createIndex(IndexDefinition index, boolean ifNotExists, QueryContext context) {
    if (index(index.name()).isPresent()) {
      if (ifNotExists) {
        return false;
      }
      throw new QueryException(Reason.INVALID, "index " + index.name() + " already exists");
    }
    Optional<TableDefinition> table = table(index.table());
    if (table.isEmpty() || !table.get().incarnation().equals(index.tableIncarnation())) {
      throw new QueryException(Reason.CONFLICT, "table " + index.table() + " was dropped or redefined meanwhile");
    }
    // Recorded unbuilt first: from the moment a row's keeper knows it, the keeper keeps it current; once the catalog
    // settled, the rows written before are filled in, and only then do queries read it.
    write(() -> schema.setGlobal(index.globalName(), index.toJson()), context, "writing the catalog");
    Blocking.await(delay(settle), context, "waiting for the catalog to settle");
    try {
      builder.build(index, context);
    } catch (RuntimeException e) {
      write(() -> schema.removeGlobal(index.globalName()), context, "removing index " + index.name());
      throw e;
    }
    Optional<IndexDefinition> now = index(index.name());
    if (now.isEmpty() || !now.get().equals(index)) {
      throw new QueryException(Reason.CONFLICT, "index " + index.name() + " was dropped or created again by another"
          + " statement while it was built");
    }
    write(() -> schema.setGlobal(index.globalName(), index.built().toJson()), context, "writing the catalog");
    return true;
  }

  @Override
  public boolean dropIndex(String name, boolean ifExists, QueryContext context) {
    Optional<IndexDefinition> index = index(name);
    if (index.isEmpty()) {
      if (ifExists) {
        return false;
      }
      throw new QueryException(Reason.INVALID, "index " + name + " does not exist");
    }
    write(() -> schema.removeGlobal(index.get().globalName()), context, "removing index " + name);
    return true;
  }

  /**
   * A catalog write, waiting and trying again while this node is over its rate of global writes
   * ({@code weft.schema.max-writes-per-second}): a script of DDL (dropping sixty tables) is a burst the limit is not
   * meant to refuse, only to pace.
   */
  private static void write(Supplier<CompletableFuture<Global>> write, QueryContext context, String what) {
    for (long pause = 50; ; pause = Math.min(1000, pause * 2)) {
      try {
        Blocking.await(write.get(), context, what);
        return;
      } catch (QueryException e) {
        if (!(e.getCause() instanceof RateLimitedException)) {
          throw e;
        }
      }
      Blocking.await(delay(Duration.ofMillis(pause)), context, what);
    }
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(String name, JsonNode json);
  }

  @SuppressWarnings("unchecked")
  private <T> Optional<T> parse(Global g, String name, Parser<T> parser) {
    Parsed<?> known = parsed.get(g.name());
    if (known != null && known.global().version().equals(g.version())) {
      return (Optional<T>) known.value();
    }
    Optional<T> value;
    try {
      value = g.value().map(v -> parser.parse(name, v));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring the catalog entry {}: {}", g.name(), e.getMessage());
      value = Optional.empty();
    }
    parsed.put(g.name(), new Parsed<>(g, value));
    return value;
  }

  private static CompletableFuture<Void> delay(Duration d) {
    Executor later = CompletableFuture.delayedExecutor(d.toNanos(), TimeUnit.NANOSECONDS);
    return CompletableFuture.runAsync(() -> { }, later);
  }
}
