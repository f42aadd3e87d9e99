package dev.weft.distribution.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * {@code weft sql}'s interactive shell, psql's way: a statement may span lines and runs when a line ends it with
 * {@code ;}; lines starting with a backslash are the shell's own commands ({@code \d}, {@code \d TABLE}, {@code
 * \timing}, {@code \format}, {@code \?}, {@code \q}); an error is printed and the shell goes on. Tab completes SQL
 * keywords and the names of the node's tables and columns, read at the start and after each statement that changes
 * them. History is kept in a file across runs.
 *
 * <p>Runs on the thread that calls {@link #run()}; the terminal is the caller's to close.
 */
final class SqlShell {
  static final String PROMPT = "weft=> ";
  static final String MORE = "weft-> ";
  /** What tab offers besides names; upper case, matched in any case. */
  private static final List<String> KEYWORDS = List.of("SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING",
      "LIMIT", "OFFSET", "FETCH", "INSERT", "INTO", "VALUES", "UPSERT", "UPDATE", "SET", "DELETE", "CREATE", "DROP",
      "TABLE", "INDEX", "UNIQUE", "PRIMARY", "KEY", "NOT", "NULL", "AND", "OR", "IN", "IS", "LIKE", "BETWEEN", "AS",
      "JOIN", "LEFT", "INNER", "OUTER", "ON", "DISTINCT", "COUNT", "SUM", "AVG", "MIN", "MAX", "CASE", "WHEN",
      "THEN", "ELSE", "END", "CAST", "EXPLAIN", "PLAN", "FOR", "ASC", "DESC", "CASCADE", "EXISTS", "IF", "INTEGER",
      "BIGINT", "DOUBLE", "REAL", "DECIMAL", "VARCHAR", "BOOLEAN", "DATE", "TIMESTAMP", "TRUE", "FALSE");
  /** Statements after which the tables, and so the names to complete, may have changed. */
  private static final Set<String> DDL = Set.of("CREATE", "DROP", "ALTER");

  private final SqlClient client;
  private final PrintWriter out;
  private final LineReader reader;
  private volatile SqlTables tables = SqlTables.NONE;
  private SqlOutput.Format format;
  private boolean timing;

  /**
   * @param history the file of the history, null for none
   * @param format how answers are printed at first
   */
  SqlShell(SqlClient client, Terminal terminal, Path history, SqlOutput.Format format) {
    this.client = client;
    this.out = terminal.writer();
    this.format = format;
    DefaultParser parser = new DefaultParser();
    // A backslash starts the shell's commands, and SQL has no escapes outside its strings.
    parser.setEscapeChars(new char[0]);
    LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("weft sql").parser(parser)
        .completer(new Names())
        // "!=" is SQL, not a history event.
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .option(LineReader.Option.CASE_INSENSITIVE, true);
    if (history != null) {
      builder.variable(LineReader.HISTORY_FILE, history);
    }
    this.reader = builder.build();
  }

  /** Reads and runs statements until {@code \q} or the end of input. */
  void run() {
    out.println("weft sql on " + client.api().base() + ": end statements with ;  \\? for help, \\q to quit");
    refresh();
    StringBuilder buffer = new StringBuilder();
    while (true) {
      String line;
      try {
        line = reader.readLine(buffer.toString().isBlank() ? PROMPT : MORE);
      } catch (UserInterruptException e) {
        buffer.setLength(0);
        continue;
      } catch (EndOfFileException e) {
        break;
      }
      if (buffer.toString().isBlank() && line.strip().startsWith("\\")) {
        buffer.setLength(0);
        if (!command(line.strip())) {
          break;
        }
        continue;
      }
      buffer.append(line).append('\n');
      SqlScript.Split split = SqlScript.split(buffer.toString());
      split.complete().forEach(s -> execute(s.text()));
      buffer.setLength(0);
      if (!split.rest().isBlank()) {
        buffer.append(split.rest());
      }
    }
    saveHistory();
    out.flush();
  }

  private void execute(String statement) {
    long started = System.nanoTime();
    try {
      SqlOutput.print(client.execute(statement, List.of()), format, out, out);
      if (DDL.contains(statement.split("\\s+", 2)[0].toUpperCase(Locale.ROOT))) {
        refresh();
      }
    } catch (CliException e) {
      out.println("ERROR: " + e.getMessage());
    }
    if (timing) {
      out.printf(Locale.ROOT, "Time: %.3f ms%n", (System.nanoTime() - started) / 1e6);
    }
    out.flush();
  }

  /**
   * Runs a backslash command.
   *
   * @return false to quit
   */
  private boolean command(String line) {
    String[] words = line.split("\\s+");
    switch (words[0]) {
      case "\\q" -> {
        return false;
      }
      case "\\d" -> describe(words.length > 1 ? words[1] : null);
      case "\\timing" -> {
        timing = words.length > 1 ? words[1].equalsIgnoreCase("on") : !timing;
        out.println("Timing is " + (timing ? "on." : "off."));
      }
      case "\\format" -> {
        if (words.length > 1 && List.of("json", "table", "csv").contains(words[1].toLowerCase(Locale.ROOT))) {
          format = SqlOutput.Format.valueOf(words[1].toUpperCase(Locale.ROOT));
        }
        out.println("Format is " + format.name().toLowerCase(Locale.ROOT) + " (\\format json|table|csv).");
      }
      case "\\?" -> help();
      default -> out.println("ERROR: unknown command " + words[0] + ": \\? lists the commands");
    }
    out.flush();
    return true;
  }

  private void describe(String table) {
    if (!refresh()) {
      return;
    }
    if (table == null) {
      tables.list(out);
    } else if (!tables.describe(table, out)) {
      out.println("ERROR: no table named " + table + " (\\d lists them)");
    }
  }

  /** Reads the node's tables again; prints why not and returns false when it cannot. */
  private boolean refresh() {
    try {
      tables = new SqlTables(client.tables());
      return true;
    } catch (CliException e) {
      out.println("ERROR: " + e.getMessage());
      return false;
    }
  }

  private void help() {
    out.println("  \\d          list the tables");
    out.println("  \\d TABLE    describe a table: columns, types, nullability, primary key, indexes");
    out.println("  \\timing     show how long each statement took (\\timing on|off)");
    out.println("  \\format F   print answers as table, json or csv");
    out.println("  \\q          quit (or Ctrl-D)");
    out.println("  Statements end with ; and may span lines; Ctrl-C drops the one being typed.");
  }

  private void saveHistory() {
    try {
      reader.getHistory().save();
    } catch (IOException e) {
      out.println("weft sql: could not save the history: " + e.getMessage());
    }
  }

  /** What tab offers: the keywords and the names of the tables and columns last read. */
  SortedSet<String> words() {
    SortedSet<String> words = new TreeSet<>(KEYWORDS);
    words.addAll(tables.names());
    return words;
  }

  /** Completes {@link #words()}; JLine keeps those that start with what was typed. */
  private final class Names implements Completer {
    @Override
    public void complete(LineReader lineReader, ParsedLine line, List<Candidate> candidates) {
      words().forEach(w -> candidates.add(new Candidate(w)));
    }
  }
}
