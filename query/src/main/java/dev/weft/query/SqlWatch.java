package dev.weft.query;

/**
 * A running live query ({@link Sql#watch}). Closing it stops its events (at most one already being delivered still
 * arrives) and tells the nodes to drop its watch; idempotent, never blocks.
 */
public interface SqlWatch extends AutoCloseable {
  /** Whether the watch still runs: not closed, and not ended by an error ({@link WatchEvent#closed()}). */
  boolean isOpen();

  @Override
  void close();
}
