package dev.weft.gateway;

import dev.weft.api.Setting;
import java.time.Duration;
import java.util.List;

/**
 * Configuration keys of the browser gateway (all optional), read from the node's configuration. See {@code
 * docs/browser.md}.
 */
public final class GatewaySettings {
  /** Largest text frame a browser client may send, in bytes; a larger one closes its connection (4413). 256KiB. */
  public static final Setting<Long> MAX_FRAME_BYTES = Setting.size("weft.ws.client-max-frame-bytes", "256KiB", 1024,
      64L * 1024 * 1024,
      "largest frame a browser client may send");
  /** Requests per second one client may make on average (token bucket). */
  public static final Setting<Integer> REQUESTS_PER_SECOND = Setting.integer("weft.ws.client-requests-per-second", 50,
      1, 1_000_000,
      "requests per second one browser client may make on average");
  /** Requests one client may make at once above its rate (the bucket's size). */
  public static final Setting<Integer> BURST = Setting.integer("weft.ws.client-burst", 100, 1, 1_000_000,
      "requests a browser client may make at once above its rate");
  /**
   * Requests over the rate a client may make before it is disconnected (4429); 1 in 10 of this is forgiven per
   * second.
   */
  public static final Setting<Integer> MAX_REFUSED = Setting.integer("weft.ws.client-max-refused", 50, 1, 1_000_000,
      "requests over the rate before a browser client is disconnected");
  /** Requests of one client still being answered at once; more are refused as rate-limited. */
  public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("weft.ws.client-max-in-flight", 100, 1,
      1_000_000,
      "requests of one browser client being answered at once");
  /** Characters of answers and events queued for a client that does not read; past it, it is disconnected. 4MiB. */
  public static final Setting<Long> MAX_QUEUED = Setting.size("weft.ws.client-max-queued", "4MiB", 64 * 1024, 1L << 32,
      "answers and events queued for a browser client that does not read");
  /** How long the node may take to answer one request before the client gets {@code unavailable}. */
  public static final Setting<Duration> REQUEST_TIMEOUT = Setting.duration("weft.ws.client-request-timeout", "30s",
      "longest a browser client's request may take");
  /** Browser clients one node serves at once; more are turned away (4503). */
  public static final Setting<Integer> MAX_CLIENTS = Setting.integer("weft.ws.max-clients", 10_000, 1, 10_000_000,
      "browser clients a node serves at once");
  /**
   * Web origins whose pages may connect, comma-separated ({@code https://app.example.org}, {@code null} for pages
   * from files); {@code *} allows all. Default: none besides the node's own origin (the page's {@code Origin} names
   * the host and port the connection goes to, by an IP address, {@code localhost} or the host of the node's {@code
   * ws://} address) and clients that send no {@code Origin} (not browsers).
   */
  public static final Setting<List<String>> ALLOWED_ORIGINS = Setting.list("weft.ws.allowed-origins",
      "page origins allowed besides the node's own (comma-separated; * for all)");

  private GatewaySettings() {}
}
