package dev.weft.pht;

import dev.weft.api.WeftException;

/** The named index was never created (or its definition could not be found). */
public final class NoSuchIndexException extends WeftException {
  private static final long serialVersionUID = 1L;

  public NoSuchIndexException(String index) {
    super("no index named '" + index + "': create it first");
  }
}
