package dev.weft.transport.websocket.gateway;

import dev.weft.api.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The modules a node offers clients: storage always, messaging, schema and pht when the node runs them. The classes of
 * an optional module are touched only after {@link #onClasspath} found it, so the gateway runs without them.
 */
final class Modules {
  /** Every op of every module, with the module that answers it: to tell "unsupported here" from "unknown". */
  static final Map<String, String> OPS;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    for (String op : List.of("put", "get", "delete", "lscan")) {
      m.put(op, "storage");
    }
    for (String op : List.of("send", "sendNode", "sendAll", "subscribe", "unsubscribe")) {
      m.put(op, "messaging");
    }
    for (String op : List.of("setGlobal", "getGlobal", "removeGlobal", "globals", "watch", "unwatch")) {
      m.put(op, "schema");
    }
    for (String op : List.of("pht.create", "pht.insert", "pht.remove", "pht.lookup", "pht.range", "pht.rect")) {
      m.put(op, "pht");
    }
    OPS = Collections.unmodifiableMap(m);
  }

  final List<Module> list;
  private final Map<String, Module> byOp = new LinkedHashMap<>();

  private Modules(List<Module> list) {
    this.list = List.copyOf(list);
    for (Module m : list) {
      for (String op : m.ops()) {
        byOp.put(op, m);
      }
    }
  }

  /** The modules {@code node} runs now. */
  static Modules of(Node node) {
    List<Module> l = new ArrayList<>();
    l.add(new StorageModule(node));
    if (onClasspath("dev.weft.messaging.Messaging")) {
      messaging(node).ifPresent(l::add);
    }
    if (onClasspath("dev.weft.schema.Schema")) {
      schema(node).ifPresent(l::add);
    }
    if (onClasspath("dev.weft.pht.Pht")) {
      pht(node).ifPresent(l::add);
    }
    return new Modules(l);
  }

  private static Optional<Module> messaging(Node node) {
    return node.service(dev.weft.messaging.Messaging.class).map(MessagingModule::new);
  }

  private static Optional<Module> schema(Node node) {
    return node.service(dev.weft.schema.Schema.class).map(SchemaModule::new);
  }

  private static Optional<Module> pht(Node node) {
    return node.service(dev.weft.pht.Pht.class).map(PhtModule::new);
  }

  static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, Modules.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  Optional<Module> forOp(String op) {
    return Optional.ofNullable(byOp.get(op));
  }

  List<String> names() {
    return list.stream().map(Module::name).toList();
  }
}
