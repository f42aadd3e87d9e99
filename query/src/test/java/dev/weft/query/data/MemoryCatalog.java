package dev.weft.query.data;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@link MemoryTables}' catalog: tables and indexes in maps, DDL applied at once. Thread-safe. */
final class MemoryCatalog implements Catalog {
  private final SortedMap<String, TableDefinition> tables = new TreeMap<>();
  private final SortedMap<String, IndexDefinition> indexes = new TreeMap<>();

  @Override
  public synchronized Optional<TableDefinition> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  @Override
  public synchronized SortedMap<String, TableDefinition> tables() {
    return new TreeMap<>(tables);
  }

  @Override
  public synchronized Optional<IndexDefinition> index(String name) {
    return Optional.ofNullable(indexes.get(name));
  }

  @Override
  public synchronized List<IndexDefinition> indexesOf(TableDefinition table) {
    List<IndexDefinition> out = new ArrayList<>();
    for (IndexDefinition i : indexes.values()) {
      if (i.table().equals(table.name()) && i.tableIncarnation().equals(table.incarnation())) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean createTable(TableDefinition table, boolean ifNotExists, QueryContext context) {
    if (tables.containsKey(table.name())) {
      if (ifNotExists) {
        return false;
      }
      throw new QueryException(QueryException.Reason.INVALID, "table " + table.name() + " already exists");
    }
    tables.put(table.name(), table);
    return true;
  }

  @Override
  public synchronized boolean dropTable(String name, boolean ifExists, QueryContext context) {
    TableDefinition gone = tables.remove(name);
    if (gone == null) {
      if (ifExists) {
        return false;
      }
      throw new QueryException(QueryException.Reason.INVALID, "table " + name + " does not exist");
    }
    indexes.values().removeIf(i -> i.table().equals(name));
    return true;
  }

  @Override
  public synchronized boolean createIndex(IndexDefinition index, boolean ifNotExists, QueryContext context) {
    if (indexes.containsKey(index.name())) {
      if (ifNotExists) {
        return false;
      }
      throw new QueryException(QueryException.Reason.INVALID, "index " + index.name() + " already exists");
    }
    indexes.put(index.name(), index.built()); // nothing to fill: scans here read the rows themselves
    return true;
  }

  @Override
  public synchronized boolean dropIndex(String name, boolean ifExists, QueryContext context) {
    if (indexes.remove(name) == null && !ifExists) {
      throw new QueryException(QueryException.Reason.INVALID, "index " + name + " does not exist");
    }
    return true;
  }
}
