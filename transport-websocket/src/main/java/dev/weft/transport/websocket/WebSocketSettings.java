package dev.weft.transport.websocket;

/** Configuration keys of the WebSocket transport and super-node (all optional). */
public final class WebSocketSettings {
  /** Largest DHT message, in bytes (default 1 MiB). */
  public static final String MAX_MESSAGE_BYTES = "weft.ws.max-message-bytes";
  /**
   * Further super-nodes a relayed node fails over to, comma-separated {@code ws://host:port}; the first one is the
   * node's listen address {@code ws://host:port/relay}.
   */
  public static final String RELAYS = "weft.ws.relays";
  /** How many relayed nodes a super-node serves at once (default 1000). */
  public static final String MAX_RELAYED = "weft.ws.max-relayed";
  /** How long a relayed node waits for its first relay before its transport fails to open (default 10 s). */
  public static final String RELAY_TIMEOUT = "weft.ws.relay-timeout";
  /**
   * Whether a connecting peer's declared listening address ({@code X-Weft-Address}) must be on the IP address it
   * connects from (a host name must resolve to it); otherwise one peer could take over another's address here. Turn
   * off only behind a proxy that hides peers' addresses. Default true.
   */
  public static final String VERIFY_DECLARED_ADDRESS = "weft.ws.verify-declared-address";
  /** Bytes queued for one connection before further messages to it are dropped (default 4 MiB). */
  public static final String MAX_QUEUED_BYTES = "weft.ws.max-queued-bytes";

  /** Key store (PKCS12 or JKS) whose key and certificate a node listening on {@code wss://} presents. */
  public static final String KEYSTORE = "weft.ws.keystore";
  /** Its password (default: empty). */
  public static final String KEYSTORE_PASSWORD = "weft.ws.keystore-password";
  /** Certificates {@code wss://} connections trust (default: the JVM's trusted authorities). */
  public static final String TRUSTSTORE = "weft.ws.truststore";
  /** Its password (default: empty). */
  public static final String TRUSTSTORE_PASSWORD = "weft.ws.truststore-password";

  private WebSocketSettings() {}
}
