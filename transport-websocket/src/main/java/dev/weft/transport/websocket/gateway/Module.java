package dev.weft.transport.websocket.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.remote.RemoteException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The ops of one module of the node (storage, messaging, schema, pht) as clients call them. Each optional module has
 * its own implementation, loaded only when the module is on the classpath, so the gateway never touches the classes of
 * an absent module.
 */
interface Module {
  /** Its name in the {@code modules} of {@code hello}. */
  String name();

  /** The ops it answers. */
  Set<String> ops();

  /**
   * Starts {@code args.op()} for {@code client}. Called on a Jetty thread: checks the arguments and starts the
   * operation without waiting for it.
   *
   * @return the result, as the {@code result} of the answer (never null: JSON {@code null} for "nothing")
   * @throws RemoteException for bad arguments
   */
  CompletableFuture<JsonNode> call(Client client, Args args);

  /**
   * Called once when {@code client} connects, before its {@code hello}: messaging attaches the client's id here.
   *
   * @return what to close when the client goes (or null); a failure turns the client away
   */
  default CompletableFuture<AutoCloseable> onConnect(Client client) {
    return CompletableFuture.completedFuture(null);
  }

  /** Maps this module's own exceptions to client errors; others are returned as they are. */
  default Throwable refine(Throwable e) {
    return e;
  }

  /** A connected client as modules see it. Thread-safe. */
  interface Client {
    /** The client's own id. */
    dev.weft.api.NodeId id();

    /** Sends an event ({@code msg}, {@code global}) to the client; dropped when it is gone. */
    void event(com.fasterxml.jackson.databind.node.ObjectNode event);

    /**
     * Keeps a registration (a subscription, a watch) under {@code key} until the client goes or {@link #release}s it.
     * The registration is made by {@code open} only when the key is free and the client still connected.
     *
     * @return false when {@code key} is taken (nothing was opened)
     * @throws RemoteException when the client holds the most registrations it may
     */
    boolean keep(String key, java.util.function.Supplier<AutoCloseable> open);

    /** Closes the registration kept under {@code key}; false when there was none. */
    boolean release(String key);
  }
}
