package dev.weft.distribution;

import dev.weft.pht.KeyType;
import java.util.Locale;

/**
 * The names of index key types in the HTTP API and on the command line: {@code long}, {@code string}, {@code point}.
 * Apart from {@link ApiHandler}, which the client commands must not load (it needs Jetty, which they run without).
 */
final class KeyTypeNames {
  private KeyTypeNames() {}

  static String name(KeyType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
