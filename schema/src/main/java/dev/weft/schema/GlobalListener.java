package dev.weft.schema;

/** Learns new values of globals; see {@link Schema#addListener}. Must not block for long. */
@FunctionalInterface
public interface GlobalListener {
  /**
   * Called once for each new version this node learns, in the order it learned them.
   *
   * @param global the new version; {@link Global#removed()} when the global was deleted
   */
  void onGlobal(Global global);
}
