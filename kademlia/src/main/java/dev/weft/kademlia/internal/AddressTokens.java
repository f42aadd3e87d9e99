package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that prove a peer receives what is sent to the address it claims (as BitTorrent's DHT and OpenDHT do): every
 * answer carries a token for the address the request came from; a request that brings it back shows the address is
 * the sender's own. A token is the first 64 bits of HMAC-SHA256(secret, epoch, address); the secret is random per
 * node and epochs last {@link #EPOCH_MILLIS}, so a token stays good for one to two epochs and cannot be made for an
 * address without receiving there.
 *
 * <p>Not thread-safe: used on the node's event loop.
 */
final class AddressTokens {
  /** How long one secret epoch lasts; a token is accepted in its epoch and the next. */
  static final long EPOCH_MILLIS = 10 * 60_000L;

  private final Mac mac;
  private final byte[] out = new byte[32];
  private final ByteBuffer epochBytes = ByteBuffer.allocate(Long.BYTES);

  AddressTokens(SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /** The token for {@code address} now. */
  long issue(Address address, long nowMillis) {
    return token(address, Math.floorDiv(nowMillis, EPOCH_MILLIS));
  }

  /** Whether {@code token} was issued for {@code address} in this epoch or the previous one. */
  boolean valid(Address address, long token, long nowMillis) {
    long epoch = Math.floorDiv(nowMillis, EPOCH_MILLIS);
    return token == token(address, epoch) || token == token(address, epoch - 1);
  }

  private long token(Address address, long epoch) {
    epochBytes.clear();
    epochBytes.putLong(epoch);
    mac.update(epochBytes.array());
    mac.update(address.toString().getBytes(StandardCharsets.UTF_8));
    try {
      mac.doFinal(out, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    return fixedWidth(ByteBuffer.wrap(out).getLong());
  }

  private static final long NINETEEN_DIGITS = 1_000_000_000_000_000_000L;

  /**
   * A random 64-bit value mapped onto the positive numbers of 19 decimal digits (62.8 bits remain): request ids and
   * tokens then always take the same room in a message, so the size of an answer, which decides whether it may go to
   * an unverified address, does not vary with them (and a simulation repeats exactly).
   */
  static long fixedWidth(long random) {
    return NINETEEN_DIGITS + Math.floorMod(random, Long.MAX_VALUE - NINETEEN_DIGITS);
  }
}
