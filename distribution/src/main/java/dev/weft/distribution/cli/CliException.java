package dev.weft.distribution.cli;

/**
 * Ends a command with {@code exitCode}; the message goes to stderr as {@code weft <command>: message}. Public: the node's
 * settings ({@code dev.weft.distribution.config}) end a command with it too.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
