package dev.weft.transport.websocket.gateway;

/**
 * Configuration keys of the browser gateway (all optional), read from the node's configuration. See {@code
 * docs/browser.md}.
 */
public final class GatewaySettings {
  /** Largest text frame a browser client may send, in bytes; a larger one closes its connection (4413). 256KiB. */
  public static final String MAX_FRAME_BYTES = "weft.ws.client-max-frame-bytes";
  /** Requests per second one client may make on average (token bucket). Default 50. */
  public static final String REQUESTS_PER_SECOND = "weft.ws.client-requests-per-second";
  /** Requests one client may make at once above its rate (the bucket's size). Default 100. */
  public static final String BURST = "weft.ws.client-burst";
  /**
   * Requests over the rate a client may make before it is disconnected (4429); 1 in 10 of this is forgiven per
   * second. Default 50.
   */
  public static final String MAX_REFUSED = "weft.ws.client-max-refused";
  /** Requests of one client still being answered at once; more are refused as rate-limited. Default 100. */
  public static final String MAX_IN_FLIGHT = "weft.ws.client-max-in-flight";
  /** Characters of answers and events queued for a client that does not read; past it, it is disconnected. 4MiB. */
  public static final String MAX_QUEUED = "weft.ws.client-max-queued";
  /** How long the node may take to answer one request before the client gets {@code unavailable}. Default 30s. */
  public static final String REQUEST_TIMEOUT = "weft.ws.client-request-timeout";
  /** Browser clients one node serves at once; more are turned away (4503). Default 10000. */
  public static final String MAX_CLIENTS = "weft.ws.max-clients";
  /**
   * Web origins whose pages may connect, comma-separated ({@code https://app.example.org}, {@code null} for pages
   * from files); {@code *} allows all. Default: none besides the node's own origin (the page's {@code Origin} names
   * the host and port the connection goes to, by an IP address, {@code localhost} or the host of the node's {@code
   * ws://} address) and clients that send no {@code Origin} (not browsers).
   */
  public static final String ALLOWED_ORIGINS = "weft.ws.allowed-origins";

  private GatewaySettings() {}
}
