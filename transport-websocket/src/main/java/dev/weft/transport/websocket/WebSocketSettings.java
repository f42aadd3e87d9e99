package dev.weft.transport.websocket;

import dev.weft.api.Address;
import dev.weft.api.Setting;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the WebSocket transport and super-node (all optional). */
public final class WebSocketSettings {
  /** Largest DHT message, in bytes. */
  public static final Setting<Long> MAX_MESSAGE_BYTES = Setting.size("weft.ws.max-message-bytes", "1MiB", 64 * 1024,
      16 << 20,
      "largest DHT message over WebSocket");
  /**
   * Further super-nodes a relayed node fails over to, comma-separated {@code ws://host:port}; the first one is the
   * node's listen address {@code ws://host:port/relay}.
   */
  public static final Setting<List<Address>> RELAYS = Setting.addresses("weft.ws.relays", "",
      "further super-nodes a relayed node fails over to (--relay)");
  /** How many relayed nodes a super-node serves at once. */
  public static final Setting<Integer> MAX_RELAYED = Setting.integer("weft.ws.max-relayed", 1000, 0, 1_000_000,
      "relayed nodes a super-node serves at once");
  /** How long a relayed node waits for its first relay before its transport fails to open. */
  public static final Setting<Duration> RELAY_TIMEOUT = Setting.duration("weft.ws.relay-timeout", "10s",
      "how long a relayed node waits for its first relay");
  /**
   * Whether a connecting peer's declared listening address ({@code X-Weft-Address}) must be on the IP address it
   * connects from (a host name must resolve to it); otherwise one peer could take over another's address here. Turn
   * off only behind a proxy that hides peers' addresses.
   */
  public static final Setting<Boolean> VERIFY_DECLARED_ADDRESS = Setting.bool("weft.ws.verify-declared-address", true,
      "a peer's declared ws address must be on the IP it connects from");
  /** Bytes queued for one connection before further messages to it are dropped. */
  public static final Setting<Long> MAX_QUEUED_BYTES = Setting.size("weft.ws.max-queued-bytes", "4MiB", 64 * 1024,
      1L << 30,
      "bytes queued for one connection before messages are dropped");

  /** Key store (PKCS12 or JKS) whose key and certificate a node listening on {@code wss://} presents. */
  public static final Setting<String> KEYSTORE = Setting.text("weft.ws.keystore", "",
      "key store (PKCS12 or JKS) of a node listening on wss://");
  /** Its password (default: empty). */
  public static final Setting<String> KEYSTORE_PASSWORD = Setting.text("weft.ws.keystore-password", "",
      "its password").secret();
  /** Certificates {@code wss://} connections trust (default: the JVM's trusted authorities). */
  public static final Setting<String> TRUSTSTORE = Setting.text("weft.ws.truststore", "",
      "certificates wss:// connections trust (default: the JVM's)");
  /** Its password (default: empty). */
  public static final Setting<String> TRUSTSTORE_PASSWORD = Setting.text("weft.ws.truststore-password", "",
      "its password").secret();

  private WebSocketSettings() {}
}
