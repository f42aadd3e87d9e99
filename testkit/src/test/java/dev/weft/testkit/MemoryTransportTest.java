package dev.weft.testkit;

import dev.weft.sim.MemoryNetwork;
import dev.weft.api.Address;
import dev.weft.api.spi.transport.TransportProvider;

/** The memory network's transport keeps the same contract as a real one. */
class MemoryTransportTest extends TransportContract {
  private final MemoryNetwork network = new MemoryNetwork(7);

  @Override
  protected TransportProvider provider() {
    return network.provider();
  }

  @Override
  protected Address bindAddress() {
    return Address.parse("mem://127.0.0.1:0");
  }
}
