package dev.weft.query.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A table as the catalog holds it, in the global {@code sql.table.<name>} (docs/query.md, "Catalog"): its columns, its
 * primary key (empty: rows get a generated row id) and its incarnation, the random id of the CREATE TABLE that made it,
 * which names the namespace its rows live in. Immutable; the JSON form is exact both ways and checked on the way in,
 * since it arrives from other nodes.
 */
public record TableDefinition(String name, List<Column> columns, List<String> primaryKey, String incarnation) {
  /** Table names become part of global and namespace names: a plain identifier only. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
  /** Rows of a table live in the namespace {@code weft:sql:<table>:<incarnation>}. */
  private static final String ROW_NAMESPACE_PREFIX = "weft:sql:";
  static final Pattern INCARNATION = Pattern.compile("[0-9a-f]{32}");
  /** As many columns as a definition can carry within a global's value limit with long names. */
  static final int MAX_COLUMNS = 100;
  private static final String GLOBAL_PREFIX = "sql.table.";

  /** @throws IllegalArgumentException saying what is wrong: a bad name, a duplicate column, a key that is not a column */
  public TableDefinition {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    Objects.requireNonNull(incarnation, "incarnation");
    checkName("table", name);
    if (!INCARNATION.matcher(incarnation).matches()) {
      throw new IllegalArgumentException("incarnation must be 32 lower-case hex digits: '" + incarnation + "'");
    }
    if (columns.isEmpty() || columns.size() > MAX_COLUMNS) {
      throw new IllegalArgumentException("table " + name + " must have 1 to " + MAX_COLUMNS + " columns, not "
          + columns.size());
    }
    Set<String> seen = new HashSet<>();
    for (Column c : columns) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("table " + name + ": column " + c.name() + " is declared twice");
      }
    }
    Set<String> keys = new HashSet<>();
    for (String k : primaryKey) {
      Column c = columns.stream().filter(x -> x.name().equals(k)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("table " + name + ": the primary key names " + k + ", which is not a column"));
      if (!keys.add(k)) {
        throw new IllegalArgumentException("table " + name + ": the primary key names " + k + " twice");
      }
      if (c.nullable()) {
        throw new IllegalArgumentException("table " + name + ": primary key column " + k + " must be NOT NULL");
      }
    }
  }

  /** Table and index names become part of global, namespace and PHT names: a plain identifier only. */
  static void checkName(String kind, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(kind + " name '" + name + "': use 1 to 100 letters, digits or _, not"
          + " starting with a digit");
    }
  }

  /** The global that holds this definition. */
  public String globalName() {
    return globalNameOf(name);
  }

  /** The global that holds the definition of the table {@code name}. */
  public static String globalNameOf(String name) {
    return GLOBAL_PREFIX + name;
  }

  /** The table named by a global's name, if it is a table's global. */
  public static Optional<String> tableOfGlobal(String globalName) {
    return globalName.startsWith(GLOBAL_PREFIX) ? Optional.of(globalName.substring(GLOBAL_PREFIX.length()))
        : Optional.empty();
  }

  /** The namespace of this incarnation's rows ({@code weft:} namespaces are reserved to the node's own modules). */
  public String rowNamespace() {
    return rowNamespace(name, incarnation);
  }

  /** The namespace of the rows of incarnation {@code incarnation} of the table {@code name}. */
  public static String rowNamespace(String name, String incarnation) {
    return ROW_NAMESPACE_PREFIX + name + ":" + incarnation;
  }

  /** The table named by a row namespace ({@link #rowNamespace()}'s form), if {@code namespace} is one. */
  public static Optional<String> tableOfRowNamespace(String namespace) {
    int colon = namespace.lastIndexOf(':');
    return namespace.startsWith(ROW_NAMESPACE_PREFIX) && colon > ROW_NAMESPACE_PREFIX.length()
        ? Optional.of(namespace.substring(ROW_NAMESPACE_PREFIX.length(), colon)) : Optional.empty();
  }

  /** The incarnation named by a row namespace ({@link #rowNamespace()}'s form), if {@code namespace} is one. */
  public static Optional<String> incarnationOfRowNamespace(String namespace) {
    return tableOfRowNamespace(namespace).map(t -> namespace.substring(namespace.lastIndexOf(':') + 1));
  }

  /** The column named {@code column}, if there is one. */
  public Optional<Column> column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst();
  }

  /** The definition as the global's value. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ArrayNode cols = out.putArray("columns");
    for (Column c : columns) {
      ObjectNode o = cols.addObject().put("name", c.name()).put("type", c.type().name()).put("nullable", c.nullable());
      if (c.precision() > 0) {
        o.put("precision", c.precision());
      }
      if (c.scale() > 0) {
        o.put("scale", c.scale());
      }
    }
    if (primaryKey.isEmpty()) {
      out.putNull("primaryKey");
    } else {
      primaryKey.forEach(out.putArray("primaryKey")::add);
    }
    out.put("incarnation", incarnation);
    return out;
  }

  /**
   * Reads the value of the global {@code sql.table.<name>}.
   *
   * @throws IllegalArgumentException saying which field is missing or wrong
   */
  public static TableDefinition fromJson(String name, JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("definition of table " + name + " must be a JSON object");
    }
    JsonNode cols = json.get("columns");
    if (cols == null || !cols.isArray()) {
      throw new IllegalArgumentException("definition of table " + name + ": \"columns\" must be an array");
    }
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : cols) {
      String type = text(c, "type", name);
      columns.add(new Column(text(c, "name", name),
          ColumnType.named(type).filter(t -> t.name().equals(type.toUpperCase(Locale.ROOT))).orElseThrow(() ->
              new IllegalArgumentException("definition of table " + name + ": unknown column type " + type)),
          bool(c, "nullable", name), number(c, "precision", name), number(c, "scale", name)));
    }
    List<String> key = new ArrayList<>();
    JsonNode pk = json.get("primaryKey");
    if (pk != null && !pk.isNull()) {
      if (!pk.isArray()) {
        throw new IllegalArgumentException("definition of table " + name + ": \"primaryKey\" must be an array or null");
      }
      for (JsonNode k : pk) {
        if (!k.isTextual()) {
          throw new IllegalArgumentException("definition of table " + name + ": primary key names must be strings");
        }
        key.add(k.textValue());
      }
    }
    return new TableDefinition(name, columns, key, text(json, "incarnation", name));
  }

  private static String text(JsonNode o, String field, String table) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("definition of table " + table + ": \"" + field + "\" must be a string");
    }
    return v.textValue();
  }

  private static boolean bool(JsonNode o, String field, String table) {
    JsonNode v = o.get(field);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException("definition of table " + table + ": \"" + field + "\" must be true or false");
    }
    return v.booleanValue();
  }

  private static int number(JsonNode o, String field, String table) {
    JsonNode v = o.get(field);
    if (v == null) {
      return 0;
    }
    if (!v.isInt() || v.intValue() < 0) {
      throw new IllegalArgumentException("definition of table " + table + ": \"" + field
          + "\" must be a non-negative integer");
    }
    return v.intValue();
  }
}
