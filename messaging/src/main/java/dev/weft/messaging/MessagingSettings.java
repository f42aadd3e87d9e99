package dev.weft.messaging;

import dev.weft.api.Setting;
import java.time.Duration;

/** Configuration keys of the messaging plugin. */
public final class MessagingSettings {
  private MessagingSettings() {}

  /** Largest message payload, as UTF-8 JSON. */
  public static final Setting<Long> MAX_MESSAGE_BYTES = Setting.size("weft.messaging.max-message-bytes", "64KiB", 16,
      192 * 1024,
      "largest message, as UTF-8 JSON");
  /** Message ids remembered to drop duplicates and replays. */
  public static final Setting<Integer> SEEN_CACHE = Setting.integer("weft.messaging.seen-cache", 65536, 16, 10_000_000,
      "message ids remembered to drop duplicates and replays");
  /** Contacts of one k-bucket tried in turn before a broadcast gives that part of the network up. */
  public static final Setting<Integer> BROADCAST_ATTEMPTS = Setting.integer("weft.messaging.broadcast-attempts", 8, 1,
      64,
      "contacts of a k-bucket tried before a broadcast gives it up");
  /**
   * Broadcasts a second this node starts, or forwards for one origin (burst twice that): a broadcast costs every node a
   * hand-off, so one origin may not flood the network. Over it, local {@code sendAll} fails with {@link
   * dev.weft.api.RateLimitedException} and others' are neither delivered nor forwarded ({@code
   * refused.messaging.broadcast-origin-rate}). Must be at least schema's write rate.
   */
  public static final Setting<Integer> BROADCASTS_PER_ORIGIN = Setting.integer("weft.messaging.broadcasts-per-origin",
      50, 1, 1_000_000,
      "broadcasts a second started here or forwarded per origin");
  /**
   * Broadcasts a second this node delivers and forwards from all origins together (burst twice that): origins are
   * claimed, so this bounds what many made-up origins can cost ({@code refused.messaging.broadcast-rate}).
   *
   */
  public static final Setting<Integer> BROADCASTS_PER_SECOND = Setting.integer("weft.messaging.broadcasts-per-second",
      500, 1, 10_000_000,
      "broadcasts a second delivered and forwarded, all origins");
  /** Closest nodes tried in turn by a send to a key. */
  public static final Setting<Integer> SEND_ATTEMPTS = Setting.integer("weft.messaging.send-attempts", 3, 1, 20,
      "closest nodes tried in turn by a message to a key");
  /**
   * Time to live of a client's presence record ({@link Messaging#attachClient}); it is stored again every third of
   * it while the client stays attached, so a node that stops without detaching its clients is forgotten after at most
   * this long. At least 3s.
   */
  public static final Setting<Duration> CLIENT_PRESENCE_TTL = Setting.duration("weft.messaging.client-presence-ttl",
      "2m", Duration.ofSeconds(3),
      Duration.ofDays(365), "lifetime of a browser client's presence record (renewed)");
}
