package dev.weft.kademlia.internal;

import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;

/** The {@code memory} store: records in memory, gone when the node stops. */
public final class MemoryStoreProvider implements StoreProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public LocalStore open(StoreContext context) {
    return new MemoryStore();
  }
}
