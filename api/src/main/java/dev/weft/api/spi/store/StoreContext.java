package dev.weft.api.spi.store;
import dev.weft.api.spi.Scheduler;

import dev.weft.api.CoreSettings;
import dev.weft.api.WeftConfig;

/** What a store is opened with.
 *
 * @since 0.1.0
 */
public interface StoreContext {
  /** The node's configuration; stores read their own keys and {@link CoreSettings#DATA_DIR}. */
  WeftConfig config();

  /** The node's scheduler. */
  Scheduler scheduler();
}
