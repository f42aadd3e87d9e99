package dev.weft.gateway;

import dev.weft.api.Node;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.RemoteFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The modules a node offers clients: storage always, and the ops of every {@link RemoteFeature} on the class path
 * (messaging, schema, pht, ...) whose plugin the node runs. A feature absent from the class path is simply not found,
 * so the gateway runs without it.
 */
final class Modules {
  /** weft's own features, in the order {@code hello} has always listed them; others follow by name. */
  private static final List<String> FIRST = List.of("messaging", "schema", "pht");
  /** The features on the class path, in a fixed order: the order of the class path is no order. */
  private static final List<RemoteFeature> FEATURES = load();
  /** Every op of every feature found, with its feature: to tell "unsupported here" from "unknown". */
  private static final Map<String, String> OPS = owners();

  final List<GatewayOps> list;
  private final Map<String, GatewayOps> byOp = new LinkedHashMap<>();

  private Modules(List<GatewayOps> list) {
    this.list = List.copyOf(list);
    for (GatewayOps m : list) {
      for (String op : m instanceof StorageModule ? StorageModule.OPS : opsOf(m.name())) {
        byOp.put(op, m);
      }
    }
  }

  private static List<RemoteFeature> load() {
    List<RemoteFeature> found = new ArrayList<>();
    ServiceLoader.load(RemoteFeature.class, Modules.class.getClassLoader()).forEach(found::add);
    found.sort(Comparator.comparingInt((RemoteFeature f) -> FIRST.contains(f.name()) ? FIRST.indexOf(f.name())
        : FIRST.size()).thenComparing(RemoteFeature::name));
    return List.copyOf(found);
  }

  private static Map<String, String> owners() {
    Map<String, String> m = new LinkedHashMap<>();
    StorageModule.OPS.forEach(op -> m.put(op, "storage"));
    FEATURES.forEach(f -> f.ops().forEach(op -> m.put(op, f.name())));
    return Map.copyOf(m);
  }

  private static Set<String> opsOf(String feature) {
    return FEATURES.stream().filter(f -> f.name().equals(feature)).findFirst().orElseThrow().ops();
  }

  /** The modules {@code node} runs now. */
  static Modules of(Node node) {
    List<GatewayOps> l = new ArrayList<>();
    l.add(new StorageModule(node));
    for (RemoteFeature f : FEATURES) {
      f.gatewayOps(node).ifPresent(l::add);
    }
    return new Modules(l);
  }

  /** The feature an op belongs to, present on the class path or not found at all. */
  static Optional<String> owner(String op) {
    return Optional.ofNullable(OPS.get(op));
  }

  Optional<GatewayOps> forOp(String op) {
    return Optional.ofNullable(byOp.get(op));
  }

  List<String> names() {
    return list.stream().map(GatewayOps::name).toList();
  }
}
