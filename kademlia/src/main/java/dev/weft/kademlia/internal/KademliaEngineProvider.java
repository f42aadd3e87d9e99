package dev.weft.kademlia.internal;

import dev.weft.api.Node;
import dev.weft.api.Setting;
import dev.weft.api.spi.engine.NodeEngineProvider;
import dev.weft.api.spi.engine.NodeSetup;
import dev.weft.kademlia.KademliaSettings;
import java.util.List;

/** The {@code kademlia} engine. */
public final class KademliaEngineProvider implements NodeEngineProvider {
  @Override
  public String name() {
    return "kademlia";
  }

  @Override
  public Node start(NodeSetup setup) {
    return new KademliaNode(setup);
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(KademliaSettings.class);
  }
}
