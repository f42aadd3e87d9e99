package dev.weft.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.WeftConfig;
import dev.weft.remote.RemoteJson;
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
        (int) (long) c.get(GatewaySettings.MAX_FRAME_BYTES),
        c.get(GatewaySettings.REQUESTS_PER_SECOND),
        c.get(GatewaySettings.BURST),
        c.get(GatewaySettings.MAX_REFUSED),
        c.get(GatewaySettings.MAX_IN_FLIGHT),
        c.get(GatewaySettings.MAX_QUEUED),
        c.get(GatewaySettings.REQUEST_TIMEOUT),
        c.get(GatewaySettings.MAX_CLIENTS));
  }

  /** As {@code hello} tells them to the client. */
  ObjectNode toJson() {
    return RemoteJson.object().put("maxFrameBytes", maxFrameBytes).put("requestsPerSecond", requestsPerSecond)
        .put("burst", burst).put("maxInFlight", maxInFlight).put("requestTimeoutMs", requestTimeout.toMillis())
        .put("maxRegistrations", ClientSession.MAX_KEPT);
  }
}
