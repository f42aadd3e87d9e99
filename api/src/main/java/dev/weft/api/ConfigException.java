package dev.weft.api;

/** A setting is missing, unknown or has a value that cannot be used; the message names the key and the value. */
public final class ConfigException extends WeftException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
