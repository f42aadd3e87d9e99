package dev.weft.query.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Cast;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Op;
import dev.weft.query.expr.Expr.Param;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The wire form of an {@link Expr}, versioned: {@code {"v":1,"e":<node>}}, a node being one of
 *
 * <ul>
 *   <li>{@code {"col":3,"type":"DECIMAL"}} — a column of the table, with its type;
 *   <li>{@code {"lit":"12.50","type":"DECIMAL"}} — a literal: DECIMAL as a string (exact whatever parses the JSON),
 *       other types as in a stored row ({@link Values#toJson}), NULL as null;
 *   <li>{@code {"op":"and","args":[...]}} — an operator ({@link Op}'s name in lower case);
 *   <li>{@code {"cast":<node>,"type":"DOUBLE"}} — a conversion;
 *   <li>{@code {"among":[0,2],"keys":{...}}} — whether those columns' values are a key of a {@link KeySet} (a join's
 *       semi-join), the set as {@link KeySet}'s JSON;
 *   <li>{@code {"param":0,"type":"INTEGER"}} — an unbound parameter, refused from the network, read back only from
 *       a plan's own constant ({@link #fromPlanJson}).
 * </ul>
 *
 * <p>Read on every node from a scan that came over the network, so {@link #fromJson} checks everything before anything
 * is evaluated: known fields only, columns against the table, types, arity, literal values, at most {@value #MAX_DEPTH}
 * levels and {@value #MAX_NODES} nodes. Stateless; any thread.
 */
public final class ExprJson {
  /** The version this code writes and reads. */
  public static final int VERSION = 1;
  /** The deepest expression read: evaluation recurses once per level. */
  public static final int MAX_DEPTH = 64;
  /** The most nodes an expression read may have. */
  public static final int MAX_NODES = 10_000;
  private static final Map<String, Op> OPS = new HashMap<>();

  static {
    for (Op op : Op.values()) {
      OPS.put(op.name().toLowerCase(Locale.ROOT), op);
    }
  }

  private ExprJson() {}

  /** The versioned wire form of {@code e}. */
  public static JsonNode toJson(Expr e) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("v", VERSION);
    out.set("e", node(e));
    return out;
  }

  private static JsonNode node(Expr e) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (e instanceof Column c) {
      o.put("col", c.index()).put("type", c.type().name());
    } else if (e instanceof Literal l) {
      o.set("lit", l.type() == ColumnType.DECIMAL && l.value() != null
          ? JsonNodeFactory.instance.textNode(((BigDecimal) l.value()).toString())
          : Values.toJson(l.type(), l.value()));
      o.put("type", l.type().name());
    } else if (e instanceof Param p) {
      o.put("param", p.index()).put("type", p.type().name());
    } else if (e instanceof Expr.Among a) {
      a.columns().forEach(c -> o.withArray("among").add(c.index()));
      o.set("keys", a.keys().toJson());
    } else if (e instanceof Cast c) {
      o.set("cast", node(c.arg()));
      o.put("type", c.type().name());
    } else {
      Call c = (Call) e;
      o.put("op", c.op().name().toLowerCase(Locale.ROOT));
      c.args().forEach(a -> o.withArray("args").add(node(a)));
    }
    return o;
  }

  /**
   * Reads a wire form against the table it filters.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static Expr fromJson(JsonNode j, TableDefinition table) {
    return read(j, table, false);
  }

  /**
   * Reads the form a plan carries before its statement's parameters are known (a constant in the plan's generated
   * code, written by this node): as {@link #fromJson}, with parameters allowed.
   */
  public static Expr fromPlanJson(JsonNode j, TableDefinition table) {
    return read(j, table, true);
  }

  private static Expr read(JsonNode j, TableDefinition table, boolean params) {
    if (j == null || !j.isObject()) {
      throw bad("must be a JSON object");
    }
    fields(j, Set.of("v", "e"), "the expression");
    JsonNode v = j.get("v");
    if (v == null || !v.isInt() || v.intValue() != VERSION) {
      throw bad("version must be " + VERSION + ", not " + v);
    }
    Reader r = new Reader(table, params);
    Expr e = r.read(j.get("e"), 1);
    Exprs.typeOf(e);
    return e;
  }

  private static final class Reader {
    private final TableDefinition table;
    private final boolean params;
    private int nodes;

    Reader(TableDefinition table, boolean params) {
      this.table = table;
      this.params = params;
    }

    Expr read(JsonNode n, int depth) {
      if (depth > MAX_DEPTH) {
        throw bad("deeper than " + MAX_DEPTH + " levels");
      }
      if (++nodes > MAX_NODES) {
        throw bad("more than " + MAX_NODES + " nodes");
      }
      if (n == null || !n.isObject()) {
        throw bad("a node must be a JSON object, not " + (n == null ? "nothing" : abbreviate(n)));
      }
      if (n.has("col")) {
        fields(n, Set.of("col", "type"), "a column");
        JsonNode i = n.get("col");
        if (!i.isInt() || i.intValue() < 0 || i.intValue() >= table.columns().size()) {
          throw bad("column " + abbreviate(i) + " is not a column of " + table.name() + " (0 to "
              + (table.columns().size() - 1) + ")");
        }
        ColumnType type = type(n);
        dev.weft.query.catalog.Column c = table.columns().get(i.intValue());
        if (c.type() != type) {
          throw bad("column " + i.intValue() + " (" + c.name() + ") of " + table.name() + " is " + c.type() + ", not "
              + type);
        }
        return new Column(i.intValue(), type);
      }
      if (n.has("lit")) {
        fields(n, Set.of("lit", "type"), "a literal");
        ColumnType type = type(n);
        JsonNode lit = n.get("lit");
        Object value;
        if (type == ColumnType.DECIMAL && lit.isTextual()) {
          value = decimal(lit.textValue());
        } else if (type == ColumnType.DECIMAL && !lit.isNull()) {
          throw bad("a DECIMAL literal must be a string");
        } else {
          value = Values.fromJson(type, lit, "literal");
        }
        if (!Values.isValue(type, value)) {
          throw bad("literal " + abbreviate(lit) + " is out of the range of " + type);
        }
        return new Literal(value, type);
      }
      if (n.has("param")) {
        if (!params) {
          throw bad("parameter " + abbreviate(n.get("param")) + " was not bound before the scan was sent");
        }
        fields(n, Set.of("param", "type"), "a parameter");
        JsonNode i = n.get("param");
        if (!i.isInt() || i.intValue() < 0) {
          throw bad("parameter index " + abbreviate(i) + " must be a non-negative integer");
        }
        return new Param(i.intValue(), type(n));
      }
      if (n.has("cast")) {
        fields(n, Set.of("cast", "type"), "a cast");
        return new Cast(read(n.get("cast"), depth + 1), type(n));
      }
      if (n.has("among")) {
        fields(n, Set.of("among", "keys"), "a key set test");
        JsonNode cols = n.get("among");
        if (!cols.isArray() || cols.isEmpty() || cols.size() > MAX_DEPTH) {
          throw bad("\"among\" must name 1 to " + MAX_DEPTH + " columns");
        }
        List<Column> columns = new ArrayList<>();
        for (JsonNode i : cols) {
          if (!i.isInt() || i.intValue() < 0 || i.intValue() >= table.columns().size()) {
            throw bad("column " + abbreviate(i) + " is not a column of " + table.name());
          }
          columns.add(new Column(i.intValue(), table.columns().get(i.intValue()).type()));
        }
        nodes += columns.size();
        try {
          return new Expr.Among(columns, KeySet.fromJson(n.get("keys")));
        } catch (IllegalArgumentException e) {
          throw bad(e.getMessage());
        }
      }
      if (n.has("op")) {
        fields(n, Set.of("op", "args"), "an operator");
        JsonNode name = n.get("op");
        Op op = name.isTextual() ? OPS.get(name.textValue()) : null;
        if (op == null) {
          throw bad("unknown operator " + abbreviate(name));
        }
        JsonNode args = n.get("args");
        if (args == null || !args.isArray()) {
          throw bad("operator " + name.textValue() + " needs an \"args\" array");
        }
        List<Expr> list = new ArrayList<>(args.size());
        for (JsonNode a : args) {
          list.add(read(a, depth + 1));
        }
        return new Call(op, list);
      }
      throw bad("unknown node " + abbreviate(n));
    }
  }

  private static BigDecimal decimal(String text) {
    // Parsing is quadratic in the digits: bound the text before parsing, the value after (Values.isValue).
    if (text.length() > 2 * Values.MAX_DECIMAL_DIGITS + 10) {
      throw bad("DECIMAL literal of " + text.length() + " characters");
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw bad("DECIMAL literal '" + Values.abbreviate(text) + "' is not a number");
    }
  }

  private static ColumnType type(JsonNode n) {
    JsonNode t = n.get("type");
    if (t == null || !t.isTextual()) {
      throw bad("\"type\" must be a string");
    }
    try {
      return ColumnType.valueOf(t.textValue());
    } catch (IllegalArgumentException e) {
      throw bad("unknown type " + abbreviate(t));
    }
  }

  private static void fields(JsonNode n, Set<String> allowed, String what) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw bad(what + " has an unknown field \"" + Values.abbreviate(f) + "\"");
      }
    }
    for (String f : allowed) {
      if (!n.has(f)) {
        throw bad(what + " lacks the field \"" + f + "\"");
      }
    }
  }

  private static String abbreviate(JsonNode n) {
    return Values.abbreviate(n.toString());
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("filter expression: " + message);
  }
}
