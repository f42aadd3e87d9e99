package dev.weft.messaging;

/** Configuration keys of the messaging plugin. */
public final class MessagingSettings {
  private MessagingSettings() {}

  /** Largest message payload, as UTF-8 JSON. Default 64KiB. */
  public static final String MAX_MESSAGE_BYTES = "weft.messaging.max-message-bytes";
  /** Message ids remembered to drop duplicates and replays. Default 65536. */
  public static final String SEEN_CACHE = "weft.messaging.seen-cache";
  /** Contacts of one k-bucket tried in turn before a broadcast gives that part of the network up. Default 8. */
  public static final String BROADCAST_ATTEMPTS = "weft.messaging.broadcast-attempts";
  /**
   * Broadcasts a second this node starts, or forwards for one origin (burst twice that): a broadcast costs every node a
   * hand-off, so one origin may not flood the network. Over it, local {@code sendAll} fails with {@link
   * dev.weft.api.RateLimitedException} and others' are neither delivered nor forwarded ({@code
   * refused.messaging.broadcast-origin-rate}). Must be at least schema's write rate. Default 50.
   */
  public static final String BROADCASTS_PER_ORIGIN = "weft.messaging.broadcasts-per-origin";
  /**
   * Broadcasts a second this node delivers and forwards from all origins together (burst twice that): origins are
   * claimed, so this bounds what many made-up origins can cost ({@code refused.messaging.broadcast-rate}).
   * Default 500.
   */
  public static final String BROADCASTS_PER_SECOND = "weft.messaging.broadcasts-per-second";
  /** Closest nodes tried in turn by a send to a key. Default 3. */
  public static final String SEND_ATTEMPTS = "weft.messaging.send-attempts";
  /**
   * Time to live of a client's presence record ({@link Messaging#attachClient}); it is stored again every third of
   * it while the client stays attached, so a node that stops without detaching its clients is forgotten after at most
   * this long. Default 2m; at least 3s.
   */
  public static final String CLIENT_PRESENCE_TTL = "weft.messaging.client-presence-ttl";
}
