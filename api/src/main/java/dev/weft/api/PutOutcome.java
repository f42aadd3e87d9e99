package dev.weft.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one object of a batch write ({@link Storage#putAll}): stored, with the {@link PutResult} a
 * {@code put} of it alone would have given, or not, with why (its value is not valid, too large, no replica took it).
 */
public final class PutOutcome {
  private final PutResult result;
  private final String error;

  private PutOutcome(PutResult result, String error) {
    this.result = result;
    this.error = error;
  }

  /** Stored: at least one replica acknowledged it. */
  public static PutOutcome stored(PutResult result) {
    return new PutOutcome(Objects.requireNonNull(result, "result"), null);
  }

  /** Not stored, for {@code reason} (one sentence). */
  public static PutOutcome failed(String reason) {
    return new PutOutcome(null, Objects.requireNonNull(reason, "reason"));
  }

  /**
   * The message of the innermost cause of {@code error} (a write's failure, as its future reports it, wrapped or not),
   * or its class name when it has none.
   */
  public static String reason(Throwable error) {
    Throwable t = Objects.requireNonNull(error, "error");
    while (t.getCause() != null && t.getCause() != t
        && (t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Whether the object was stored. */
  public boolean ok() {
    return result != null;
  }

  /**
   * The write's result.
   *
   * @throws IllegalStateException when the object was not stored; the message is {@link #error()}'s
   */
  public PutResult result() {
    if (result == null) {
      throw new IllegalStateException(error);
    }
    return result;
  }

  /** Why the object was not stored; empty when it was. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PutOutcome other && Objects.equals(result, other.result) && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(result, error);
  }

  @Override
  public String toString() {
    return result != null ? "stored " + result : "failed: " + error;
  }
}
