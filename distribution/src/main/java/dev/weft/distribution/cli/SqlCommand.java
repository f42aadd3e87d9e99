package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.JsonTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.WriterOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weft sql}: SQL on the node's tables through {@code POST /v1/sql}. With a statement it runs it, with {@code -f
 * FILE} each statement of the file in order, stopping at the first error; alone it opens {@link SqlShell} on a terminal,
 * and runs stdin as a script when that is no terminal. Answers are printed by {@link SqlOutput}.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Runs SQL on the network's tables (the query plugin): a statement, the statements of a file, or, "
        + "with neither, an interactive shell (\\d lists tables, \\q quits).",
        "A query prints one JSON object per row, keyed by column name, and then {\"coverage\": ...} on stderr; other "
            + "statements print {\"updated\": n, \"coverage\": ...}."})
final class SqlCommand extends ClientCommands.Base {
  /** Where the shell keeps its history unless {@value #HISTORY_ENV} says otherwise (empty: none). */
  static final String HISTORY_FILE = ".weft_sql_history";
  static final String HISTORY_ENV = "WEFT_SQL_HISTORY";
  /** A timeout as people write it: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})(ms|s|m|h)");

  @Parameters(index = "0", arity = "0..1", paramLabel = "STATEMENT",
      description = "The SQL to run; ? marks a parameter. Several statements may be given, separated by ;.")
  String statement;

  @Parameters(index = "1..*", paramLabel = "PARAM",
      description = "The values of the ?s in order: a JSON number, true, false, null or \"quoted string\" is that "
          + "value, anything else is text (write '\"42\"' for the text 42).")
  List<String> params = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Runs the statements of FILE (- for stdin), separated by ; outside quotes and comments, in order; "
          + "stops at the first error, naming its line.")
  String file;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "json (one object per row, the default), table or csv; the shell starts with table.")
  SqlOutput.Format format;

  @Option(names = "--allow-partial",
      description = "Accept an answer some nodes did not contribute to (coverage says how many answered).")
  boolean allowPartial;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "How long a statement may run, e.g. 500ms or 10s (default: the node's weft.query setting).")
  String timeout;

  @Option(names = "--max-rows", paramLabel = "N", description = "The most rows a query may return "
      + "(default: the node's limit); more is an error, not a cut.")
  long maxRows;

  @Option(names = "--watch", description = "Keeps the query's answer current (POST /v1/sql/watch): prints the answer, "
      + "then one JSON line per change ({\"type\": \"change\", \"added\", \"removed\"}), until Ctrl-C or an "
      + "error that ends the watch.")
  boolean watch;

  SqlCommand(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() {
    if (maxRows < 0) {
      throw new CliException(Cli.USAGE, "--max-rows must not be negative, got " + maxRows);
    }
    SqlClient client = new SqlClient(client(), timeout(), allowPartial, maxRows);
    if (watch) {
      return watch(client);
    }
    if (file != null) {
      if (statement != null) {
        throw new CliException(Cli.USAGE, "give a STATEMENT or -f FILE, not both");
      }
      runScript(client, file, read(file));
    } else if (statement != null) {
      List<SqlScript.Statement> statements = SqlScript.split(statement).all();
      if (statements.isEmpty()) {
        throw new CliException(Cli.USAGE, "the statement is empty");
      }
      if (!params.isEmpty() && statements.size() > 1) {
        throw new CliException(Cli.USAGE, "parameters go with one statement, not " + statements.size());
      }
      List<JsonNode> values = params.stream().map(SqlClient::param).toList();
      for (SqlScript.Statement s : statements) {
        printAnswer(client.execute(s.text(), values));
      }
    } else {
      shell(client);
    }
    return Cli.OK;
  }

  /**
   * {@code --watch}: the stream's lines as they come; an error line that ends the watch ends the command with the exit
   * code of its error (2 for a statement the node refused, 3 otherwise).
   */
  private int watch(SqlClient client) {
    if (statement == null || file != null) {
      throw new CliException(Cli.USAGE, "--watch needs one STATEMENT (a query), not -f or the shell");
    }
    if (format != null && format != SqlOutput.Format.JSON) {
      throw new CliException(Cli.USAGE, "--watch prints JSON lines only, not --format " + format);
    }
    List<JsonNode> values = params.stream().map(SqlClient::param).toList();
    byte[] request = JsonTree.bytes(client.body(statement, values));
    return follow("/v1/sql/watch", request, "watching a query on", line -> {
      JsonNode event;
      try {
        event = JsonTree.parse(line.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        return false;
      }
      if (!event.path("closed").asBoolean(false)) {
        return false;
      }
      String code = event.path("error").path("code").asText("");
      throw new CliException(code.equals("bad-request") || code.equals("too-large") ? Cli.USAGE : Cli.UNAVAILABLE,
          "the watch ended: " + event.path("error").path("message").asText(code));
    });
  }

  private Duration timeout() {
    if (timeout == null) {
      return null;
    }
    Matcher m = DURATION.matcher(timeout.strip());
    if (!m.matches()) {
      throw new CliException(Cli.USAGE, "--timeout must be a duration such as 500ms, 10s, 2m or 1h, not '" + timeout
          + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private void printAnswer(JsonNode answer) {
    SqlOutput.print(answer, format == null ? SqlOutput.Format.JSON : format, cli.out(), cli.err());
    cli.out().flush();
  }

  /** Runs each statement of {@code text} (the file {@code name}) in order; the first error ends the command. */
  private void runScript(SqlClient client, String name, String text) {
    if (!params.isEmpty()) {
      throw new CliException(Cli.USAGE, "parameters go with a STATEMENT, not with -f");
    }
    for (SqlScript.Statement s : SqlScript.split(text).all()) {
      try {
        printAnswer(client.execute(s.text(), List.of()));
      } catch (CliException e) {
        throw new CliException(e.exitCode(), name + ":" + s.line() + ": " + e.getMessage(), e);
      }
    }
  }

  private String read(String name) {
    try {
      return name.equals("-") ? new String(cli.in().readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(name), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(Cli.USAGE, "no such file: " + name);
    } catch (IOException e) {
      throw new CliException(Cli.USAGE, "cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private void shell(SqlClient client) {
    if (!params.isEmpty()) {
      throw new CliException(Cli.USAGE, "parameters go with a STATEMENT");
    }
    try (Terminal terminal = terminal()) {
      boolean dumb = terminal.getType().startsWith(Terminal.TYPE_DUMB);
      if (dumb && cli.in() == System.in) {
        // The process's stdin is no terminal (weft sql < FILE, a pipe): a script, as psql takes it, without prompts.
        runScript(client, "stdin", read("-"));
        return;
      }
      new SqlShell(client, terminal, history(), format == null ? SqlOutput.Format.TABLE : format).run();
    } catch (IOException e) {
      throw new CliException(Cli.INTERNAL, "cannot open the terminal: " + e.getMessage(), e);
    }
  }

  /**
   * The process's terminal when the command reads the process's stdin (JLine falls back to a dumb one when that is no
   * terminal), else a dumb terminal over the command's own streams, as in tests: a {@link DumbTerminal} itself, which
   * neither echoes nor reads ahead (the builder's terminal over streams does both, on a thread of its own).
   */
  private Terminal terminal() throws IOException {
    if (cli.in() == System.in) {
      return TerminalBuilder.builder().system(true).dumb(true).build();
    }
    return new DumbTerminal("weft sql", Terminal.TYPE_DUMB, cli.in(),
        new WriterOutputStream(cli.out(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  /** {@value #HISTORY_ENV}, else {@value #HISTORY_FILE} in the user's home; null for none. */
  private Path history() {
    String path = cli.env().get(HISTORY_ENV);
    if (path != null) {
      return path.isBlank() ? null : Path.of(path);
    }
    return Path.of(System.getProperty("user.home"), HISTORY_FILE);
  }
}
