package dev.weft.query;

import dev.weft.api.WeftException;

/**
 * A statement that could not be carried out, with a reason a program can act on. Messages are meant for people and name
 * what failed (the table, the column, the key).
 */
public final class QueryException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** Why a statement failed. */
  public enum Reason {
    /** Not valid SQL, or valid SQL that refers to what does not exist or mixes types: the statement's fault. */
    INVALID,
    /** Some rows of a write were refused (a duplicate key, a NULL in a NOT NULL column, too large). */
    ROWS_FAILED,
    /** Not every node answered and the caller did not accept partial answers. */
    INCOMPLETE,
    /** The statement ran past its timeout. */
    TIMEOUT,
    /** The statement was cancelled. */
    CANCELLED,
    /** The answer would exceed the result caps (rows or bytes). */
    TOO_LARGE,
    /** A table or index was created, dropped or redefined by another statement meanwhile. */
    CONFLICT,
    /** The network or the node failed the statement (an unreachable keeper, a closed node). */
    UNAVAILABLE
  }

  private final Reason reason;

  public QueryException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public QueryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why it failed. */
  public Reason reason() {
    return reason;
  }
}
