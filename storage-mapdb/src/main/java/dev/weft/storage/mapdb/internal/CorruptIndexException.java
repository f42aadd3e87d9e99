package dev.weft.storage.mapdb.internal;

import dev.weft.api.WeftException;

/** A record read from the MapDB index failed its checksum: the index is rebuilt from the log, the read fails. */
final class CorruptIndexException extends WeftException {
  private static final long serialVersionUID = 1L;

  CorruptIndexException(byte[] key, String reason) {
    super("mapdb store: the index entry for " + describe(key) + " is corrupt (" + reason
        + "); it is not served, and the index is being rebuilt from the log");
  }

  private static String describe(byte[] key) {
    try {
      return Codec.namespaceOf(key) + "/" + Codec.keyOf(key);
    } catch (RuntimeException e) {
      return "an unreadable key";
    }
  }
}
