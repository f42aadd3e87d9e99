package dev.weft.pht.internal;

/** The trie changed under a read; the whole query (or stats walk) starts again. */
final class RetryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RetryException() {
    super("the trie changed under the query", null, false, false);
  }
}
