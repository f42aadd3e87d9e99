package dev.weft.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The browser gateway's ops of one module of a node (storage, messaging, schema, pht, yours), bound to that node: what
 * {@link RemoteFeature#gatewayOps} returns when the node runs the module. The gateway finds the features with {@link
 * java.util.ServiceLoader}, so it never touches the classes of an absent module.
 *
 * @since 0.1.0
 */
public interface GatewayOps {
  /** Its name in the {@code modules} of {@code hello}, the feature's {@link RemoteFeature#name()}. */
  String name();

  /**
   * Starts {@code args.op()} for {@code client}. Called on a Jetty thread: checks the arguments and starts the
   * operation without waiting for it.
   *
   * @return the result, as the {@code result} of the answer (never null: JSON {@code null} for "nothing")
   * @throws dev.weft.remote.RemoteException for bad arguments
   */
  CompletableFuture<JsonNode> call(Client client, OpArgs args);

  /**
   * Called once when {@code client} connects, before its {@code hello}: messaging attaches the client's id here.
   *
   * @return what to close when the client goes (or null); a failure turns the client away
   */
  default CompletableFuture<AutoCloseable> onConnect(Client client) {
    return CompletableFuture.completedFuture(null);
  }

  /** Maps this module's own exceptions to {@link dev.weft.remote.RemoteException}s; others are returned as they are. */
  default Throwable refine(Throwable e) {
    return e;
  }

  /** A connected client as modules see it. Thread-safe. */
  interface Client {
    /** The client's own id. */
    NodeId id();

    /** Sends an event ({@code msg}, {@code global}) to the client; dropped when it is gone. */
    void event(ObjectNode event);

    /**
     * Keeps a registration (a subscription, a watch) under {@code key} until the client goes or {@link #release}s it.
     * The registration is made by {@code open} only when the key is free and the client still connected.
     *
     * @return false when {@code key} is taken (nothing was opened)
     * @throws dev.weft.remote.RemoteException when the client holds the most registrations it may
     */
    boolean keep(String key, Supplier<AutoCloseable> open);

    /** Closes the registration kept under {@code key}; false when there was none. */
    boolean release(String key);
  }
}
