package dev.weft.storage.mapdb.internal;

/**
 * Test seams: where the log's files come from, and a callback at each step of the store's life (open, compaction,
 * close) so crash tests can aim a kill. The provider uses {@link #NONE}.
 *
 * @param appenders opens log segment files
 * @param events called on the thread doing the step; must return quickly and not throw
 */
record Hooks(Appender.Factory appenders, Events events) {
  static final Hooks NONE = new Hooks(Appender::open, e -> {});

  /** Receives short event names: {@code open-reused}, {@code open-rebuilt}, {@code compaction-start}, ... */
  @FunctionalInterface
  interface Events {
    void on(String event);
  }
}
