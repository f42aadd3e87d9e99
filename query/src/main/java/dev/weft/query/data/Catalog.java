package dev.weft.query.data;

import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The catalog as this node knows it, and the DDL that changes it everywhere (docs/query.md, "Catalog"). Reads answer
 * from what the node knows, without the network. DDL blocks the caller (a statement's thread) until it is settled
 * and fails with {@link dev.weft.query.QueryException}: {@code INVALID} for what already exists or does not exist,
 * {@code CONFLICT} when another definition won a race.
 */
public interface Catalog {
  /** The table named {@code name} (folded as the parser folds it), if it exists. */
  Optional<TableDefinition> table(String name);

  /** Every table, by name. */
  SortedMap<String, TableDefinition> tables();

  /** The index named {@code name}, if it exists. */
  Optional<IndexDefinition> index(String name);

  /** The indexes on the current incarnation of {@code table}. */
  List<IndexDefinition> indexesOf(TableDefinition table);

  /** Creates {@code table}; with {@code ifNotExists}, an existing table of that name is left alone (returns false). */
  boolean createTable(TableDefinition table, boolean ifNotExists, QueryContext context);

  /** Drops the table (and its indexes); with {@code ifExists}, a missing one is no error (returns false). */
  boolean dropTable(String name, boolean ifExists, QueryContext context);

  /** Creates {@code index} and fills it from the table's rows; {@code ifNotExists} as for tables. */
  boolean createIndex(IndexDefinition index, boolean ifNotExists, QueryContext context);

  /** Drops the index; {@code ifExists} as for tables. */
  boolean dropIndex(String name, boolean ifExists, QueryContext context);
}
