package dev.weft.transport.websocket.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.WeftConfig;
import java.time.Duration;

/**
 * The limits of the gateway, from {@link GatewaySettings}.
 *
 * @param maxFrameBytes largest text frame from a client
 * @param requestsPerSecond average requests per second of one client
 * @param burst requests over the average one client may make at once
 * @param maxRefused requests refused for the rate before the client is disconnected
 * @param maxInFlight requests of one client being answered at once
 * @param maxQueued characters queued for one client
 * @param requestTimeout longest wait for the node's answer to one request
 * @param maxClients clients at once
 */
record Limits(int maxFrameBytes, int requestsPerSecond, int burst, int maxRefused, int maxInFlight, long maxQueued,
    Duration requestTimeout, int maxClients) {
  static Limits of(WeftConfig c) {
    return new Limits(
        (int) c.bytes(GatewaySettings.MAX_FRAME_BYTES, 256 * 1024, 1024, 64L * 1024 * 1024),
        c.integer(GatewaySettings.REQUESTS_PER_SECOND, 50, 1, 1_000_000),
        c.integer(GatewaySettings.BURST, 100, 1, 1_000_000),
        c.integer(GatewaySettings.MAX_REFUSED, 50, 1, 1_000_000),
        c.integer(GatewaySettings.MAX_IN_FLIGHT, 100, 1, 1_000_000),
        c.bytes(GatewaySettings.MAX_QUEUED, 4L * 1024 * 1024, 64 * 1024, 1L << 32),
        c.duration(GatewaySettings.REQUEST_TIMEOUT, Duration.ofSeconds(30)),
        c.integer(GatewaySettings.MAX_CLIENTS, 10_000, 1, 10_000_000));
  }

  /** As {@code hello} tells them to the client. */
  ObjectNode toJson() {
    return Wire.object().put("maxFrameBytes", maxFrameBytes).put("requestsPerSecond", requestsPerSecond)
        .put("burst", burst).put("maxInFlight", maxInFlight).put("requestTimeoutMs", requestTimeout.toMillis())
        .put("maxRegistrations", ClientSession.MAX_KEPT);
  }
}
