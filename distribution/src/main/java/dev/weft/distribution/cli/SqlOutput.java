package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.distribution.JsonTree;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prints the answer of {@code POST /v1/sql} as {@code weft sql} shows it, in one of three formats:
 *
 * <ul>
 *   <li>{@code json}: one object per row, keyed by column name (a name that repeats gets {@code _2}, {@code _3}), on
 *       stdout; then {@code {"coverage": ...}} on stderr, so that stdout holds rows only. A statement other than a
 *       query prints its answer, {@code {"updated": n, "coverage": ...}}, on stdout.
 *   <li>{@code table}: aligned columns for people, numbers to the right, NULL as {@code NULL}, and a footer with the
 *       count of rows and, when not every node answered, how many did.
 *   <li>{@code csv}: a header, then the rows (RFC 4180 quoting; NULL is an empty field, an empty string {@code ""});
 *       coverage on stderr as for {@code json}.
 * </ul>
 *
 * Values are printed as the node sent them: DECIMALs with their scale, DATE and TIMESTAMP as ISO-8601 text.
 */
final class SqlOutput {
  /** How the rows are printed. */
  enum Format { JSON, TABLE, CSV }

  private SqlOutput() {}

  /** Prints {@code answer} to {@code out}; the coverage line of json and csv, and warnings, to {@code err}. */
  static void print(JsonNode answer, Format format, PrintWriter out, PrintWriter err) {
    JsonNode coverage = answer.path("coverage");
    if (!answer.has("columns")) {
      if (format == Format.TABLE) {
        out.println("(" + rows(answer.path("updated").asLong()) + " changed" + partial(coverage) + ")");
      } else {
        out.println(JsonTree.text(answer));
      }
    } else {
      List<String> names = names(answer.get("columns"));
      switch (format) {
        case JSON -> json(names, answer.get("rows"), out);
        case CSV -> csv(names, answer.get("rows"), out);
        case TABLE -> {
          table(names, answer.get("rows"), out);
          out.println("(" + rows(answer.get("rows").size()) + partial(coverage) + ")");
        }
      }
      if (format != Format.TABLE) {
        ObjectNode line = JsonTree.NODES.objectNode();
        line.set("coverage", coverage);
        err.println(JsonTree.text(line));
      }
    }
    if (format != Format.TABLE && !coverage.path("complete").asBoolean(true)) {
      err.println("weft sql: warning: a partial answer" + partial(coverage));
    }
  }

  private static String rows(long n) {
    return n + (n == 1 ? " row" : " rows");
  }

  /** {@code "; partial: 2 of 3 nodes answered"} when not every node answered, else nothing. */
  private static String partial(JsonNode coverage) {
    if (coverage.path("complete").asBoolean(true)) {
      return "";
    }
    return "; partial: " + coverage.path("answered").asLong() + " of " + coverage.path("nodes").asLong()
        + " nodes answered";
  }

  private static List<String> names(JsonNode columns) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode c : columns) {
      String name = c.path("name").asText();
      String unique = name;
      for (int i = 2; !seen.add(unique); i++) {
        unique = name + "_" + i;
      }
      names.add(unique);
    }
    return names;
  }

  private static void json(List<String> names, JsonNode rows, PrintWriter out) {
    for (JsonNode row : rows) {
      ObjectNode object = JsonTree.NODES.objectNode();
      for (int i = 0; i < names.size(); i++) {
        object.set(names.get(i), row.get(i));
      }
      out.println(JsonTree.text(object));
    }
  }

  private static void csv(List<String> names, JsonNode rows, PrintWriter out) {
    out.println(String.join(",", names.stream().map(SqlOutput::csvField).toList()));
    for (JsonNode row : rows) {
      List<String> fields = new ArrayList<>();
      for (JsonNode v : row) {
        fields.add(v.isNull() ? "" : csvField(text(v)));
      }
      out.println(String.join(",", fields));
    }
  }

  private static String csvField(String s) {
    boolean quote = s.isEmpty() || s.strip().length() != s.length()
        || s.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** A value as text: a string as it is, anything else as its JSON. */
  static String text(JsonNode v) {
    return v.isTextual() ? v.textValue() : v.isNull() ? "NULL" : JsonTree.text(v);
  }

  private static void table(List<String> names, JsonNode rows, PrintWriter out) {
    List<List<String>> cells = new ArrayList<>();
    boolean[] right = new boolean[names.size()];
    for (JsonNode row : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        JsonNode v = row.path(i);
        line.add(text(v));
        right[i] |= v.isNumber();
      }
      cells.add(line);
    }
    table(names, cells, right, out);
  }

  /**
   * Prints {@code cells} under {@code header} in aligned columns, psql's way: {@code " a | b"}, a rule, the rows.
   *
   * @param right which columns are aligned to the right (numbers)
   */
  static void table(List<String> header, List<List<String>> cells, boolean[] right, PrintWriter out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> row : cells) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    out.println(line(header, width, new boolean[width.length]));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
    }
    out.println(rule);
    for (List<String> row : cells) {
      out.println(line(row, width, right));
    }
  }

  private static String line(List<String> values, int[] width, boolean[] right) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String v = values.get(i);
      String pad = " ".repeat(width[i] - v.length());
      b.append(i == 0 ? " " : " | ").append(right[i] ? pad + v : i == width.length - 1 ? v : v + pad);
    }
    return b.toString();
  }
}
