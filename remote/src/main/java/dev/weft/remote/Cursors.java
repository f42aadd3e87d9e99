package dev.weft.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;

/**
 * The {@code next} cursors of the HTTP API's pages: the position a page ended at, as base64url of its JSON, so that it
 * survives any characters in names and reads as one opaque token.
 *
 * @since 0.1.0
 */
public final class Cursors {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Cursors() {}

  /** The cursor of {@code position}. */
  public static String encode(JsonNode position) {
    try {
      return ENCODER.encodeToString(RemoteJson.MAPPER.writeValueAsBytes(position));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a cursor", e);
    }
  }

  /**
   * The position {@code cursor} holds.
   *
   * @throws RemoteException {@code bad-request} when it is not a cursor
   */
  public static JsonNode decode(String cursor) {
    try {
      JsonNode position = RemoteJson.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor));
      if (position != null && !position.isMissingNode()) {
        return position;
      }
    } catch (IllegalArgumentException | IOException e) {
      // reported below
    }
    throw invalid(cursor);
  }

  /** The error of a cursor that is not one. */
  public static RemoteException invalid(String cursor) {
    return RemoteException.badRequest("invalid cursor '" + cursor + "' (pass the 'next' value of the previous page)");
  }
}
