package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.JsonTree;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The tables of a node as {@code GET /v1/sql/tables} lists them, shown the way the shell's {@code \d} shows them, and
 * the names the shell completes. Immutable.
 *
 * @param json {@code {"tables": [{name, columns: [{name, type, nullable}], primaryKey, indexes: [{name, columns,
 *     unique}]}]}}
 */
record SqlTables(JsonNode json) {
  /** None known (the node could not be asked). */
  static final SqlTables NONE = new SqlTables(JsonTree.NODES.objectNode().set("tables", JsonTree.NODES.arrayNode()));

  /** {@code \d}: one line per table with its columns, key and indexes counted. */
  void list(PrintWriter out) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode t : json.path("tables")) {
      rows.add(List.of(t.path("name").asText(), "" + t.path("columns").size(), join(t.path("primaryKey")),
          "" + t.path("indexes").size()));
    }
    SqlOutput.table(List.of("table", "columns", "primary key", "indexes"), rows,
        new boolean[] {false, true, false, true}, out);
    out.println("(" + rows.size() + (rows.size() == 1 ? " table)" : " tables)"));
  }

  /**
   * {@code \d NAME}: the columns of table {@code name} (its types, which may hold NULL), its primary key and indexes.
   *
   * @return false when there is no such table
   */
  boolean describe(String name, PrintWriter out) {
    Optional<JsonNode> found = table(name);
    if (found.isEmpty()) {
      return false;
    }
    JsonNode t = found.get();
    out.println("Table " + t.path("name").asText());
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode c : t.path("columns")) {
      rows.add(List.of(c.path("name").asText(), c.path("type").asText(),
          c.path("nullable").asBoolean(true) ? "" : "not null"));
    }
    SqlOutput.table(List.of("column", "type", "nullable"), rows, new boolean[3], out);
    out.println(t.path("primaryKey").isEmpty() ? "No primary key (rows get a generated id)"
        : "Primary key: " + join(t.path("primaryKey")));
    if (!t.path("indexes").isEmpty()) {
      out.println("Indexes:");
      for (JsonNode i : t.path("indexes")) {
        out.println("    " + i.path("name").asText() + (i.path("unique").asBoolean() ? " UNIQUE" : "") + " ("
            + join(i.path("columns")) + ")");
      }
    }
    return true;
  }

  /** The table named {@code name}, or named so in another case (SQL folds the case of names it is given bare). */
  private Optional<JsonNode> table(String name) {
    JsonNode folded = null;
    for (JsonNode t : json.path("tables")) {
      String n = t.path("name").asText();
      if (n.equals(name)) {
        return Optional.of(t);
      }
      if (n.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        folded = t;
      }
    }
    return Optional.ofNullable(folded);
  }

  /** The names of the tables and of their columns, for completion. */
  SortedSet<String> names() {
    SortedSet<String> names = new TreeSet<>();
    for (JsonNode t : json.path("tables")) {
      names.add(t.path("name").asText());
      t.path("columns").forEach(c -> names.add(c.path("name").asText()));
    }
    return names;
  }

  private static String join(JsonNode names) {
    List<String> out = new ArrayList<>();
    names.forEach(n -> out.add(n.asText()));
    return String.join(", ", out);
  }
}
