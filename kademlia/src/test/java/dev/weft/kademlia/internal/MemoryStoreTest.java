package dev.weft.kademlia.internal;

import dev.weft.api.spi.store.StoreProvider;
import dev.weft.testkit.LocalStoreContract;

class MemoryStoreTest extends LocalStoreContract {
  @Override
  protected StoreProvider provider() {
    return new MemoryStoreProvider();
  }
}
