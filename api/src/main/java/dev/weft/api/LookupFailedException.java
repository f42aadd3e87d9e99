package dev.weft.api;

/**
 * The network could not be asked: no peer (or too few of the closest) answered before the timeouts. Distinct from
 * "not found", which is an empty result.
 */
public final class LookupFailedException extends WeftException {
  private static final long serialVersionUID = 1L;

  public LookupFailedException(String message) {
    super(message);
  }
}
