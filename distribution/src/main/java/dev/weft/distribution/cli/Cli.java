package dev.weft.distribution.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What a command may touch of its process: standard streams and environment. Passed in rather than read from
 * {@link System} so that tests run commands in-process and see exactly what a user would. Public: {@code Main} makes it
 * from the process; the node's settings use {@link #USAGE} and {@link #DEFAULT_API}.
 */
public record Cli(PrintWriter out, PrintWriter err, Map<String, String> env, InputStream in) {
  /** Exit codes of every command; {@code docs/http-api.md} and {@code weft --help} list them. */
  static final int OK = 0;
  static final int NOT_FOUND = 1;
  public static final int USAGE = 2;
  static final int UNAVAILABLE = 3;
  static final int INTERNAL = 4;

  /** Environment variable with the HTTP API address the client commands use. */
  static final String API_ENV = "WEFT_API";
  /** Environment variable with the API's token; also {@code weft.api.token} for {@code weft node}. */
  static final String TOKEN_ENV = "WEFT_API_TOKEN";
  /** The HTTP API address of {@code weft node} and of the clients when nothing else is said. */
  public static final String DEFAULT_API = "127.0.0.1:7070";
}
