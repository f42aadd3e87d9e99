package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import dev.weft.pht.KeyType;
import dev.weft.pht.remote.PhtForms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weft pht ...}: the indexes of the node's pht plugin (prefix hash trees over the DHT, which answer range
 * queries), through the routes under {@code /v1/pht} of its HTTP API.
 *
 * <p>Keys on the command line are written as people write them, not as JSON: {@code 42} for an index of long
 * integers, the text itself for a string index ({@code alice}, no quotes), {@code X,Y} for a point index. A command
 * with a KEY asks the node for the index's type first, which also makes an unknown index exit code 1 before anything
 * is written.
 */
final class PhtCommands {
  private PhtCommands() {}

  private static final String KEY_HELP = "An integer for an index of type long, the text itself for a string index, "
      + "X,Y for a point index. Put -- before the first key that starts with '-' but is not a number (-3,4).";

  /** {@code weft pht} itself: only lists its subcommands. */
  @Command(name = "pht", mixinStandardHelpOptions = true,
      description = "Indexes over the DHT that answer range queries (the pht plugin): keys are long integers, "
          + "strings or points (x, y); each key holds a set of JSON values. Any node reads and writes any index.",
      subcommands = {Create.class, Insert.class, Remove.class, Get.class, Range.class, Rect.class, Stats.class})
  static final class Group extends ClientCommands.CommandGroup {}

  /** A command on one index, named by its first parameter. */
  abstract static class OnIndex extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "INDEX", description = "1-64 characters of a-z A-Z 0-9 . _ -.")
    String index;

    OnIndex(Cli cli) {
      super(cli);
    }

    /** The index's path and then {@code rest}; the node checks the name, the CLI only that there is one. */
    String path(String rest) {
      if (index.isEmpty()) {
        throw new CliException(Cli.USAGE, "the index name must not be empty");
      }
      return "/v1/pht/indexes/" + Urls.encodeSegment(index) + rest;
    }

    /** What the index is keyed by, as the node knows it: how KEY arguments are read. */
    KeyType type(ApiClient client) {
      JsonNode info;
      try {
        info = client.call("GET", path(""), null).body();
      } catch (CliException e) {
        if (e.exitCode() == Cli.NOT_FOUND) {
          throw new CliException(Cli.NOT_FOUND, "not found: no index named '" + index + "' (create it first)");
        }
        throw e;
      }
      for (KeyType type : KeyType.values()) {
        if (PhtForms.typeName(type).equals(info.path("type").asText())) {
          return type;
        }
      }
      throw new CliException(Cli.INTERNAL, "the node answered an index of an unknown type: " + JsonTree.text(info));
    }

    /**
     * The JSON of the key {@code text} as {@code type} reads it.
     *
     * @param what which argument it is, for the message when it is not a key of that type
     */
    JsonNode key(KeyType type, String text, String what) {
      switch (type) {
        case LONG -> {
          try {
            return JsonTree.NODES.numberNode(Long.parseLong(text));
          } catch (NumberFormatException e) {
            throw notAKey(text, what, "an integer of 64 bits", "long integers");
          }
        }
        case POINT -> {
          String[] xy = text.split(",", -1);
          try {
            if (xy.length == 2) {
              return JsonTree.NODES.arrayNode().add(Integer.parseInt(xy[0].trim()))
                  .add(Integer.parseInt(xy[1].trim()));
            }
          } catch (NumberFormatException e) {
            // reported below
          }
          throw notAKey(text, what, "a point X,Y of 32-bit integers", "points");
        }
        default -> {
          return JsonTree.NODES.textNode(text);
        }
      }
    }

    private CliException notAKey(String text, String what, String expected, String keys) {
      return new CliException(Cli.USAGE, what + " '" + text + "' is not " + expected + ": index " + index
          + " is keyed by " + keys);
    }

    /** {@code name=} and the JSON {@code value}, percent-encoded: a parameter of a query string. */
    static String parameter(String name, JsonNode value) {
      return name + "=" + Urls.encodeSegment(JsonTree.text(value));
    }
  }

  /** A command on one key of an index, its second parameter. */
  abstract static class OnKey extends OnIndex {
    @Parameters(index = "1", paramLabel = "KEY", description = KEY_HELP)
    String key;

    OnKey(Cli cli) {
      super(cli);
    }

    /** {@code key=} and the KEY argument as a key of the index: a parameter of a query string. */
    String keyParameter(ApiClient client) {
      return parameter("key", key(type(client), key, "KEY"));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates the index INDEX; prints {name, type, leafCapacity, keyBits, maxStringBytes}. Creating an "
          + "index that exists with the same type succeeds and prints it as it is; with another type, exit code 2.")
  static final class Create extends OnIndex {
    @Option(names = "--type", required = true, paramLabel = "long|string|point",
        description = "What keys are: 64-bit integers, strings (ordered by their UTF-8 bytes) or points x,y of 32-bit "
            + "integers (z-order; rectangle queries).")
    KeyType type;

    @Option(names = "--leaf-capacity", paramLabel = "B",
        description = "Entries a trie leaf holds before it splits, 2 to 1000 (default: the node's "
            + "weft.pht.leaf-capacity, 16).")
    Integer leafCapacity;

    @Option(names = "--max-string-bytes", paramLabel = "N",
        description = "For --type string: the longest key, in UTF-8 bytes, 1 to 100 (default: the node's "
            + "weft.pht.max-string-bytes, 32). With --leaf-capacity, give both or neither.")
    Integer maxStringBytes;

    Create(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      if (maxStringBytes != null && type != KeyType.STRING) {
        throw new CliException(Cli.USAGE, "--max-string-bytes is for --type string only");
      }
      if (type == KeyType.STRING && (leafCapacity == null) != (maxStringBytes == null)) {
        throw new CliException(Cli.USAGE, "for --type string give --leaf-capacity and --max-string-bytes together, "
            + "or neither for the node's defaults");
      }
      ObjectNode definition = JsonTree.NODES.objectNode().put("type", PhtForms.typeName(type));
      if (leafCapacity != null) {
        definition.put("leafCapacity", leafCapacity);
      }
      if (maxStringBytes != null) {
        definition.put("maxStringBytes", maxStringBytes);
      }
      print(client().call("PUT", path(""), JsonTree.bytes(definition)).body());
      return Cli.OK;
    }
  }

  @Command(name = "insert", mixinStandardHelpOptions = true,
      description = "Adds the entry (KEY, JSON) to the index; prints {added}: false when the index held it already. "
          + "A key holds a set of values.")
  static final class Insert extends OnKey {
    @Parameters(index = "2", paramLabel = "JSON", description = "The value, any JSON: '{\"ns\":\"users\",\"key\":"
        + "\"bob\"}', '\"text\"', 42 ... Use - to read it from standard input.")
    String json;

    Insert(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      JsonNode value = jsonTreeArgument(json, "value");
      ApiClient client = client();
      ObjectNode entry = JsonTree.NODES.objectNode();
      entry.set("key", key(type(client), key, "KEY"));
      entry.set("value", value);
      print(client.call("POST", path("/entries"), JsonTree.bytes(entry)).body());
      return Cli.OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes every entry of KEY, or with JSON only the entry (KEY, JSON); prints {removed}, how many "
          + "were (succeeds when there were none).")
  static final class Remove extends OnKey {
    @Parameters(index = "2", arity = "0..1", paramLabel = "JSON",
        description = "The value of the entry to remove, as inserted; - reads it from standard input.")
    String json;

    Remove(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      JsonNode value = json == null ? null : jsonTreeArgument(json, "value");
      ApiClient client = client();
      String query = keyParameter(client) + (value == null ? "" : "&" + parameter("value", value));
      print(client.call("DELETE", path("/entries?" + query), null).body());
      return Cli.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Prints the values of KEY, one JSON line each, in the order of their JSON text; exit code 1 when "
          + "it has none.")
  static final class Get extends OnKey {
    Get(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      ApiClient client = client();
      JsonNode values = client.call("GET", path("/entries?" + keyParameter(client)), null).body().path("values");
      if (values.isEmpty()) {
        throw new CliException(Cli.NOT_FOUND, "not found: index " + index + " has no entry with key " + key);
      }
      values.forEach(this::print);
      return Cli.OK;
    }
  }

  @Command(name = "range", mixinStandardHelpOptions = true,
      description = "Prints every entry with LO <= key <= HI, one JSON line {key, value} each, in key order (z-order "
          + "for points), following every page.")
  static final class Range extends OnIndex {
    @Parameters(index = "1", paramLabel = "LO", description = "The smallest key. " + KEY_HELP)
    String lo;

    @Parameters(index = "2", paramLabel = "HI", description = "The largest key.")
    String hi;

    @Mixin
    ClientCommands.PageSizeOption pageSize;

    Range(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      int limit = pageSize.get();
      ApiClient client = client();
      KeyType type = type(client);
      printPages(client, path("/range?limit=" + limit + "&" + parameter("lo", key(type, lo, "LO"))
          + "&" + parameter("hi", key(type, hi, "HI"))), "entries");
      return Cli.OK;
    }
  }

  @Command(name = "rect", mixinStandardHelpOptions = true,
      description = "Prints every entry of a point index inside the rectangle with the corners (X1, Y1) and (X2, Y2), "
          + "edges included, one JSON line {key, value} each, in z-order, following every page.")
  static final class Rect extends OnIndex {
    @Parameters(index = "1", paramLabel = "X1", description = "x of a corner, a 32-bit integer.")
    int x1;

    @Parameters(index = "2", paramLabel = "Y1", description = "y of that corner.")
    int y1;

    @Parameters(index = "3", paramLabel = "X2", description = "x of the opposite corner.")
    int x2;

    @Parameters(index = "4", paramLabel = "Y2", description = "y of the opposite corner.")
    int y2;

    @Mixin
    ClientCommands.PageSizeOption pageSize;

    Rect(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      int limit = pageSize.get();
      JsonNode lo = JsonTree.NODES.arrayNode().add(Math.min(x1, x2)).add(Math.min(y1, y2));
      JsonNode hi = JsonTree.NODES.arrayNode().add(Math.max(x1, x2)).add(Math.max(y1, y2));
      printPages(client(), path("/rectangle?limit=" + limit + "&" + parameter("lo", lo) + "&" + parameter("hi", hi)),
          "entries");
      return Cli.OK;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Walks the index's whole trie and prints {index, depth, leaves, internal, entries}.")
  static final class Stats extends OnIndex {
    Stats(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("GET", path("/stats"), null).body());
      return Cli.OK;
    }
  }
}
