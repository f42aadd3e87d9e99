package dev.weft.distribution.http;

import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeInfo;
import dev.weft.api.NodeStats;
import dev.weft.messaging.Messaging;
import dev.weft.schema.Schema;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The node's figures in Prometheus' text format, for {@code GET /metrics}: read from {@link Node#stats()}, {@link
 * Node#info()} and the plugins' own counters at each scrape (nothing is counted twice, nothing in the engine changes),
 * plus the HTTP API's request timers and the JVM's figures. {@code docs/http-api.md} lists every metric.
 *
 * <p>RPC types and hop counts appear as the node first sees them: their meters are registered at the scrape that
 * finds them, so a scrape always shows every type the node has used.
 */
final class NodeMetrics implements AutoCloseable {
  /** Where the latency histograms put their bucket bounds: lookups take milliseconds to seconds. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final NodeStats.Rpc NO_RPC = new NodeStats.Rpc(0, 0, 0, 0);
  /** {@code dev.weft.transport.websocket.SuperNodeMXBean.NAME_PREFIX}. */
  /** The WebSocket transport's super-node beans, named {@code dev.weft:type=SuperNode,address="ws://HOST:PORT"}. */
  static final String SUPER_NODES = "dev.weft:type=SuperNode,*";

  private final Node node;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Optional<Path> dataDir;
  private final Set<String> rpcTypes = new HashSet<>();
  private final Set<Integer> hopCounts = new HashSet<>();
  private final Set<String> refusals = new HashSet<>();
  private final LongAdder messagesReceived = new LongAdder();
  private final Optional<Messaging.Registration> messageCounter;
  private volatile NodeStats stats;
  private volatile NodeInfo info;
  private volatile Schema.Stats schema;

  NodeMetrics(Node node, Optional<Path> dataDir) {
    this.node = node;
    this.dataDir = dataDir;
    this.stats = node.stats();
    this.info = node.info();
    Optional<Schema> schemaPlugin = node.service(Schema.class);
    this.schema = schemaPlugin.map(Schema::stats).orElse(null);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    counter("weft.lookups", "iterative lookups run by this node", m -> m.stats.lookups());
    counter("weft.network.bytes", "payload bytes over the transports", m -> m.stats.bytesIn(), "direction", "in");
    counter("weft.network.bytes", "payload bytes over the transports", m -> m.stats.bytesOut(), "direction", "out");
    counter("weft.network.messages", "messages over the transports", m -> m.stats.messagesIn(), "direction", "in");
    counter("weft.network.messages", "messages over the transports", m -> m.stats.messagesOut(), "direction", "out");
    counter("weft.network.malformed.dropped", "inbound messages dropped as undecodable or unacceptable",
        m -> m.stats.malformedDropped());
    gauge("weft.contacts", "peers in the routing table", m -> m.info.contacts());
    gauge("weft.buckets", "non-empty k-buckets", m -> m.info.buckets().size());
    gauge("weft.stored.records", "records in the local store, tombstones included", m -> m.info.stored());
    dataDir.ifPresent(d -> Gauge.builder("weft.stored.disk", this, NodeMetrics::diskBytes)
        .description("bytes of the persistent store's files under weft.data.dir").baseUnit("bytes")
        .strongReference(true).register(registry));

    // By port: a wildcard bind is listed as each of the machine's addresses, the bean by the bound one.
    node.addresses().stream().filter(a -> (a.scheme().equals("ws") || a.scheme().equals("wss")) && a.path().isEmpty())
        .map(Address::port).distinct().forEach(this::superNode);

    Optional<Messaging> messaging = node.service(Messaging.class);
    this.messageCounter = messaging.map(ms -> ms.registerMessageHandler(message -> messagesReceived.increment()));
    if (messaging.isPresent()) {
      FunctionCounter.builder("weft.messages.received", messagesReceived, LongAdder::doubleValue)
          .description("user messages (weft send, send-node, send-all) that reached this node")
          .register(registry);
    }
    if (schemaPlugin.isPresent()) {
      gauge("weft.schema.globals", "globals this node knows", m -> m.schema.globals());
      gauge("weft.schema.tombstones", "removals of globals this node remembers", m -> m.schema.tombstones());
      counter("weft.schema.versions", "versions of globals taken", m -> m.schema.written(), "origin", "written");
      counter("weft.schema.versions", "versions of globals taken", m -> m.schema.fromBroadcast(), "origin",
          "broadcast");
      counter("weft.schema.versions", "versions of globals taken", m -> m.schema.fromSync(), "origin", "sync");
      counter("weft.schema.rejected", "versions of globals refused", m -> m.schema.rejected());
      counter("weft.schema.rate.limited", "writes of globals over their writer's rate", m -> m.schema.rateLimited());
      counter("weft.schema.syncs", "anti-entropy exchanges started", m -> m.schema.syncs());
    }
    refresh();
  }

  /**
   * The figures the WebSocket transport publishes over JMX for the super-node listening on {@code port} (its
   * {@code SuperNodeMXBean}); read by name, so the distribution needs no compile-time link to the transport.
   */
  private void superNode(int port) {
    ObjectName name = superNodeBean(port);
    if (name == null) {
      return;
    }
    Gauge.builder("weft.relayed.nodes", name, n -> jmx(n, "RelayedNodes"))
        .description("nodes this super-node relays for now").strongReference(true).register(registry);
    Gauge.builder("weft.ws.peer.connections", name, n -> jmx(n, "PeerConnections"))
        .description("WebSocket connections to and from other listening nodes").strongReference(true)
        .register(registry);
    FunctionCounter.builder("weft.ws.dropped", name, n -> jmx(n, "DroppedMessages"))
        .description("WebSocket messages dropped: over a connection's queue limit, or hostile frames")
        .register(registry);
  }

  /** The super-node bean whose address has {@code port}, if one is registered. */
  private static ObjectName superNodeBean(int port) {
    try {
      for (ObjectName n : ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(SUPER_NODES), null)) {
        String address = n.getKeyProperty("address");
        if (address != null && ObjectName.unquote(address).endsWith(":" + port)) {
          return n;
        }
      }
    } catch (MalformedObjectNameException | IllegalArgumentException e) {
      throw new IllegalStateException("bad JMX name pattern " + SUPER_NODES, e);
    }
    return null;
  }

  private static double jmx(ObjectName name, String attribute) {
    try {
      return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).doubleValue();
    } catch (JMException | ClassCastException e) {
      // Not registered (the node closed, or JMX refused the bean): no figure rather than a wrong one.
      return Double.NaN;
    }
  }

  /** A timer of HTTP requests answered with a JSON body, by route template, method and status. */
  Timer request(String route, String method, int status) {
    return Timer.builder("weft.api.requests")
        .description("HTTP API requests answered (streams excluded), by route, method and status; the object and"
            + " message routes include the node's lookups")
        .tags("route", route, "method", method, "status", Integer.toString(status))
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  /** Takes fresh snapshots of the node and returns every meter in Prometheus' text format (version 0.0.4). */
  synchronized String scrape() {
    refresh();
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  private void refresh() {
    NodeStats s = node.stats();
    stats = s;
    info = node.info();
    node.service(Schema.class).ifPresent(p -> schema = p.stats());
    for (String type : s.rpcs().keySet()) {
      if (rpcTypes.add(type)) {
        counter("weft.rpcs", "RPCs by type and outcome: sent (requests this node sent), timed_out (of those, got no"
            + " answer after retries), served (peers' requests this node answered)",
            m -> m.rpc(type).sent(), "type", type, "outcome", "sent");
        counter("weft.rpcs", null, m -> m.rpc(type).timedOut(), "type", type, "outcome", "timed_out");
        counter("weft.rpcs", null, m -> m.rpc(type).received(), "type", type, "outcome", "served");
        FunctionCounter.builder("weft.rpc.sent", this, m -> m.rpc(type).bytesOut())
            .description("bytes this node sent for an RPC type: its requests and its answers")
            .baseUnit("bytes").tags("type", type).register(registry);
      }
    }
    for (Integer hops : s.lookupHops().keySet()) {
      if (hopCounts.add(hops)) {
        counter("weft.lookup.hops", "lookups that needed this many hops (rounds of requests)",
            m -> m.stats.lookupHops().getOrDefault(hops, 0L), "hops", hops.toString());
      }
    }
    for (String reason : s.refused().keySet()) {
      if (refusals.add(reason)) {
        counter("weft.refused", "what a limit refused, by reason (see NodeStats.refused)",
            m -> m.stats.refused().getOrDefault(reason, 0L), "reason", reason);
      }
    }
  }

  private NodeStats.Rpc rpc(String type) {
    return stats.rpcs().getOrDefault(type, NO_RPC);
  }

  private double diskBytes() {
    Path dir = dataDir.orElseThrow();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(NodeMetrics::sizeOf).sum();
    } catch (IOException | UncheckedIOException e) {
      return Double.NaN;
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      // compacted away between the listing and now
      return 0;
    }
  }

  private void counter(String name, String description, ToDoubleFunction<NodeMetrics> f, String... tags) {
    FunctionCounter.builder(name, this, f).description(description).tags(tags).register(registry);
  }

  private void gauge(String name, String description, ToDoubleFunction<NodeMetrics> f) {
    Gauge.builder(name, this, f).description(description).strongReference(true).register(registry);
  }

  @Override
  public void close() {
    messageCounter.ifPresent(Messaging.Registration::close);
    gc.close();
    registry.close();
  }
}
