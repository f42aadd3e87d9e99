package dev.weft.distribution.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.ValueCipher;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.http.HttpApi;
import dev.weft.remote.Pages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The commands that talk to a running node through its HTTP API. Each prints JSON on stdout, one object per line,
 * and reports errors on stderr with an exit code (see {@link Cli}).
 */
final class ClientCommands {
  /** Three heartbeats missed: the node is gone, or the network between us; {@link Base#follow} gives up. */
  static final Duration SILENCE_LIMIT = Duration.ofSeconds(3 * HttpApi.HEARTBEAT_SECONDS);

  private ClientCommands() {}

  /** {@code --api}, {@code --token} and {@code --pretty}, shared by every client command. */
  static final class ApiOption {
    @Option(names = "--api", paramLabel = "HOST:PORT",
        description = "The node's HTTP API (default: $" + Cli.API_ENV + ", else " + Cli.DEFAULT_API + ").")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "The API's token, for a node whose API requires one (default: $" + Cli.TOKEN_ENV + ", else "
            + NodeSettings.API_TOKEN_KEY + " of conf/weft.properties).")
    String token;

    @Option(names = "--pretty", description = "Indented JSON, for people (default: one JSON value per line).")
    boolean pretty;

    /**
     * {@code --token} of the command, else {@code parentToken}, else {@value Cli#TOKEN_ENV}, else {@link
     * NodeSettings#API_TOKEN} of the installation's {@code conf/weft.properties}; empty when none is set.
     */
    Optional<String> resolveToken(Cli cli, String parentToken) {
      String text = token != null ? token : parentToken;
      if (text == null) {
        text = cli.env().get(Cli.TOKEN_ENV);
      }
      if (text == null) {
        text = NodeSettings.installedSetting(NodeSettings.API_TOKEN).orElse(null);
      }
      return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
    }

    /** {@code --api} of the command, else {@code parentApi} (given before the command), else the environment. */
    HostPort resolve(Cli cli, String parentApi) {
      String text = api != null ? api : parentApi;
      String source = "--api";
      if (text == null) {
        text = cli.env().get(Cli.API_ENV);
        source = Cli.API_ENV;
      }
      if (text == null || text.isBlank()) {
        text = Cli.DEFAULT_API;
        source = "the default";
      }
      HostPort hp;
      try {
        hp = HostPort.parse(text, "http");
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid API address in " + source + ": " + e.getMessage());
      }
      if (hp.port() == 0) {
        throw new CliException(Cli.USAGE, "invalid API address in " + source + ": port 0 cannot be dialled");
      }
      return hp;
    }
  }

  /** A command that only groups subcommands ({@code weft global}, {@code weft pht}): alone, it prints its usage. */
  abstract static class CommandGroup implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return Cli.USAGE;
    }
  }

  /** {@code --page-size}, of the commands that follow the pages of a list. */
  static final class PageSizeOption {
    @Option(names = "--page-size", paramLabel = "N", defaultValue = "" + Pages.DEFAULT,
        description = "How many to fetch per request, 1 to " + Pages.MAX + " (default: ${DEFAULT-VALUE}).")
    int pageSize;

    /** The page size, checked. */
    int get() {
      if (pageSize < 1 || pageSize > Pages.MAX) {
        throw new CliException(Cli.USAGE, "--page-size must be 1 to " + Pages.MAX + ", got " + pageSize);
      }
      return pageSize;
    }
  }

  /** Common to the client commands: the {@link Cli}, the {@code --api} option and output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    ApiOption apiOption;

    @Spec
    CommandSpec spec;

    final Cli cli;

    Base(Cli cli) {
      this.cli = cli;
    }

    ApiClient client() {
      WeftCommand root = root();
      return new ApiClient(apiOption.resolve(cli, root == null ? null : root.api),
          apiOption.resolveToken(cli, root == null ? null : root.token));
    }

    /** {@code weft} itself, whose options given before the command ({@code weft --api HOST:PORT global get ...}). */
    private WeftCommand root() {
      for (CommandSpec s = spec.parent(); s != null; s = s.parent()) {
        if (s.userObject() instanceof WeftCommand weft) {
          return weft;
        }
      }
      return null;
    }

    boolean pretty() {
      WeftCommand root = root();
      return apiOption.pretty || root != null && root.pretty;
    }

    void print(JsonNode json) {
      cli.out().println(pretty() ? JsonTree.pretty(json) : JsonTree.text(json));
      if (json.path("warning").isTextual()) {
        // Scripts read stdout; a person reads this.
        cli.err().println("weft: warning: " + json.get("warning").asText());
      }
    }

    static String objectPath(String namespace, String key) {
      return "/v1/objects/" + segments(namespace, key);
    }

    static String segments(String namespace, String key) {
      if (namespace.isEmpty() || key.isEmpty()) {
        throw new CliException(Cli.USAGE, "namespace and key must not be empty");
      }
      return Urls.encodeSegment(namespace) + "/" + Urls.encodeSegment(key);
    }

    /**
     * The JSON argument of a command as bytes: the text itself, or standard input for {@code -}. Checked here as well
     * as by the node, so that a typo gets its message without a round trip.
     */
    byte[] jsonArgument(String json, String what) {
      byte[] bytes = argumentBytes(json, what);
      jsonOf(bytes, what);
      return bytes;
    }

    /** As {@link #jsonArgument}, parsed. */
    JsonNode jsonTreeArgument(String json, String what) {
      return jsonOf(argumentBytes(json, what), what);
    }

    private byte[] argumentBytes(String json, String what) {
      byte[] bytes;
      if (json.equals("-")) {
        try {
          bytes = cli.in().readAllBytes();
        } catch (IOException e) {
          throw new CliException(Cli.USAGE, "cannot read the " + what + " from standard input: " + e.getMessage(), e);
        }
      } else {
        bytes = json.getBytes(StandardCharsets.UTF_8);
      }
      return bytes;
    }

    /** The base64 key in {@code file}, a file made by {@code makeWith}. */
    static byte[] keyFile(Path file, String makeWith) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new CliException(Cli.USAGE, "cannot read the key file " + file + ": " + e.getMessage(), e);
      }
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "the key file " + file + " does not hold a base64 key (make one with `"
            + makeWith + " > FILE`)", e);
      }
    }

    /** The cipher whose key is in {@code file}: the base64 text {@code weft keygen} prints. */
    static ValueCipher cipher(Path file) {
      byte[] key = keyFile(file, "weft keygen");
      try {
        return ValueCipher.of(key);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "the key file " + file + ": " + e.getMessage(), e);
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
    }

    static JsonNode jsonOf(byte[] bytes, String what) {
      try {
        return JsonTree.parse(bytes);
      } catch (JsonProcessingException e) {
        throw new CliException(Cli.USAGE, "invalid JSON " + what + ": " + JsonTree.reason(e)
            + " (strings need quotes: '\"text\"')");
      }
    }

    /**
     * Prints the items, the array {@code items} of each page, of every page of {@code path} (which has a query string
     * already), one JSON line each, following the {@code next} cursors to the last page.
     */
    void printPages(ApiClient client, String path, String items) {
      Set<String> seen = new HashSet<>();
      String cursor = null;
      do {
        JsonNode page = client.call("GET", path + (cursor == null ? "" : "&after=" + cursor), null).body();
        for (JsonNode item : page.path(items)) {
          print(item);
        }
        cli.out().flush();
        JsonNode next = page.path("next");
        cursor = next.isTextual() ? next.textValue() : null;
        if (cursor != null && !seen.add(cursor)) {
          // A node that hands out the same cursor twice would make this loop forever.
          throw new CliException(Cli.INTERNAL, "the node repeated the page cursor " + cursor);
        }
      } while (cursor != null);
    }

    /**
     * Prints the JSON lines of a stream ({@code /v1/messages/stream}, {@code /v1/schema/watch}) as they arrive, skipping
     * heartbeats, until whoever reads stdout goes away (exit code 0) or the node ends the stream, breaks it or goes
     * silent for {@link #SILENCE_LIMIT} (a {@link CliException} with exit code 3).
     *
     * @param doing what the command does, for the line on stderr that says the stream is open: "listening to"
     */
    int follow(String path, String doing) {
      return follow(path, null, doing, line -> false);
    }

    /**
     * As {@link #follow(String, String)}, POSTing {@code request} when it is not null, and ending after the first line
     * {@code last} accepts (printed first); {@code last} may end the command itself by throwing a {@link CliException}.
     */
    int follow(String path, byte[] request, String doing, Predicate<String> last) {
      ApiClient client = client();
      InputStream body = client.stream(path, request, SILENCE_LIMIT);
      // On stderr, so stdout stays one event per line. The node registered the stream before it answered: from now on
      // nothing is missed, which is what scripts wait for.
      cli.err().println(spec.qualifiedName() + ": " + doing + " " + client.base() + " (Ctrl-C stops)");
      // A node that froze, or whose host vanished, closes nothing: only its silence tells, as a read that times out.
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            // The node's heartbeat.
            continue;
          }
          cli.out().println(pretty() ? prettyLine(line) : line);
          if (cli.out().checkError()) {
            // Whoever read our output is gone (`weft listen | head -1`); PrintWriter would swallow every later error.
            return Cli.OK;
          }
          cli.out().flush();
          if (last.test(line)) {
            return Cli.OK;
          }
        }
      } catch (SocketTimeoutException e) {
        throw new CliException(Cli.UNAVAILABLE, "no word from the node at " + client.base() + " for "
            + SILENCE_LIMIT.toSeconds() + " s (it sends a heartbeat every " + HttpApi.HEARTBEAT_SECONDS
            + " s): it is gone or unreachable", e);
      } catch (IOException e) {
        throw new CliException(Cli.UNAVAILABLE, "lost the connection to the node at " + client.base() + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
      }
      throw new CliException(Cli.UNAVAILABLE, "the node at " + client.base() + " ended the stream: it stopped");
    }

    /** A line of a stream, indented; as it came when it is not JSON (it always is, from a weft node). */
    private static String prettyLine(String line) {
      try {
        return JsonTree.pretty(JsonTree.parse(line.getBytes(StandardCharsets.UTF_8)));
      } catch (JsonProcessingException e) {
        return line;
      }
    }
  }
}
