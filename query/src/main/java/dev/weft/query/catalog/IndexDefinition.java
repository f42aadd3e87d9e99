package dev.weft.query.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An index as the catalog holds it, in the global {@code sql.index.<name>}: the table (and the incarnation of it the
 * index was made for: an index never outlives a DROP TABLE), the indexed columns in order, whether it is unique, and
 * the PHT index that holds its entries, and whether it is built (queries read only built indexes; writes keep every
 * index current from the moment their keeper knows it). {@code id} is the random id of the CREATE INDEX that made it
 * (empty in definitions written before ids existed): each creation gets a PHT index of its own, so that a dropped
 * index's entries are dead for good and may be removed while one of the same name is being built. Immutable; the JSON
 * form is checked on the way in.
 */
public record IndexDefinition(String name, String table, String tableIncarnation, List<String> columns,
    boolean unique, boolean ready, String id) {
  private static final String GLOBAL_PREFIX = "sql.index.";

  /** @throws IllegalArgumentException saying what is wrong */
  public IndexDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(tableIncarnation, "tableIncarnation");
    Objects.requireNonNull(id, "id");
    columns = List.copyOf(columns);
    if (!id.isEmpty() && !TableDefinition.INCARNATION.matcher(id).matches()) {
      throw new IllegalArgumentException("index " + name + ": the id must be 32 lower-case hex digits: '" + id + "'");
    }
    TableDefinition.checkName("index", name);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " names no column");
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("index " + name + " names a column twice: " + columns);
    }
  }

  /**
   * The index {@code name} over {@code columns} of {@code table}, checked against its definition.
   *
   * @throws IllegalArgumentException when a column is not one of the table's
   */
  public static IndexDefinition on(String name, TableDefinition table, List<String> columns, boolean unique,
      String id) {
    for (String c : columns) {
      if (table.column(c).isEmpty()) {
        throw new IllegalArgumentException("index " + name + ": table " + table.name() + " has no column " + c);
      }
    }
    return new IndexDefinition(name, table.name(), table.incarnation(), columns, unique, false, id);
  }

  /** This definition, built: its entries cover every row, and queries may read it. */
  public IndexDefinition built() {
    return new IndexDefinition(name, table, tableIncarnation, columns, unique, true, id);
  }

  /** The global that holds this definition. */
  public String globalName() {
    return globalNameOf(name);
  }

  /** The global that holds the definition of the index {@code name}. */
  public static String globalNameOf(String name) {
    return GLOBAL_PREFIX + name;
  }

  /**
   * The PHT index that holds the entries: one per creation of an index (and per incarnation of its table and its
   * columns, for definitions without an id), so that a table or index created again starts empty and never meets keys
   * of another type; derived, so every node finds the same, and within PHT's 64-character names.
   */
  public String phtIndex() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((name + "\n" + tableIncarnation + "\n"
          + String.join("\n", columns) + (id.isEmpty() ? "" : "\n" + id))
          .getBytes(StandardCharsets.UTF_8));
      return "sql." + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The index named by a global's name, if it is an index's global. */
  public static Optional<String> indexOfGlobal(String globalName) {
    return globalName.startsWith(GLOBAL_PREFIX) ? Optional.of(globalName.substring(GLOBAL_PREFIX.length()))
        : Optional.empty();
  }

  /** The definition as the global's value. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode().put("table", table).put("incarnation", tableIncarnation);
    columns.forEach(out.putArray("columns")::add);
    out.put("unique", unique).put("ready", ready);
    return id.isEmpty() ? out : out.put("id", id);
  }

  /**
   * Reads the value of the global {@code sql.index.<name>}.
   *
   * @throws IllegalArgumentException saying which field is missing or wrong
   */
  public static IndexDefinition fromJson(String name, JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("definition of index " + name + " must be a JSON object");
    }
    JsonNode table = json.get("table");
    JsonNode incarnation = json.get("incarnation");
    JsonNode cols = json.get("columns");
    JsonNode unique = json.get("unique");
    if (table == null || !table.isTextual() || incarnation == null || !incarnation.isTextual()) {
      throw new IllegalArgumentException("definition of index " + name + ": \"table\" and \"incarnation\" must be"
          + " strings");
    }
    if (cols == null || !cols.isArray() || unique == null || !unique.isBoolean()) {
      throw new IllegalArgumentException("definition of index " + name + ": \"columns\" must be an array of names"
          + " and \"unique\" true or false");
    }
    List<String> columns = new ArrayList<>();
    for (JsonNode c : cols) {
      if (!c.isTextual()) {
        throw new IllegalArgumentException("definition of index " + name + ": column names must be strings");
      }
      columns.add(c.textValue());
    }
    JsonNode ready = json.get("ready");
    if (ready != null && !ready.isBoolean()) {
      throw new IllegalArgumentException("definition of index " + name + ": \"ready\" must be true or false");
    }
    JsonNode id = json.get("id");
    if (id != null && !id.isTextual()) {
      throw new IllegalArgumentException("definition of index " + name + ": \"id\" must be a string");
    }
    return new IndexDefinition(name, table.textValue(), incarnation.textValue(), columns, unique.booleanValue(),
        ready != null && ready.booleanValue(), id == null ? "" : id.textValue());
  }
}
