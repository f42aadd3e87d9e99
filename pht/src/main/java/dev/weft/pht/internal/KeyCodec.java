package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import java.nio.charset.StandardCharsets;

/**
 * Keys of one index as D-bit strings of '0' and '1', whose lexicographic order is the keys' order, and as JSON. A trie
 * node's prefix is a prefix of these strings.
 */
final class KeyCodec {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final IndexInfo info;

  KeyCodec(IndexInfo info) {
    this.info = info;
  }

  IndexInfo info() {
    return info;
  }

  int bits() {
    return info.keyBits();
  }

  /** Checks that {@code key} fits this index; throws {@link IllegalArgumentException} saying why not. */
  Key check(Key key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (key.type() != info.type()) {
      throw new IllegalArgumentException("index " + info.name() + " is keyed by " + info.type() + ", not by "
          + key.type() + " (key " + key + ")");
    }
    if (key instanceof Key.StringKey s) {
      if (s.value().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("string keys must not contain NUL characters");
      }
      int bytes = s.value().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > info.maxStringBytes()) {
        throw new IllegalArgumentException("string key of " + bytes + " UTF-8 bytes is over index " + info.name()
            + "'s bound of " + info.maxStringBytes() + " bytes");
      }
      if (!s.value().equals(new String(s.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))) {
        throw new IllegalArgumentException("string key is not valid Unicode (a lone surrogate?)");
      }
    }
    return key;
  }

  /** The key's D bits. */
  String bits(Key key) {
    StringBuilder b = new StringBuilder(bits());
    if (key instanceof Key.LongKey l) {
      appendBits(b, l.value() ^ Long.MIN_VALUE, 64);
    } else if (key instanceof Key.PointKey p) {
      long x = (p.x() ^ Integer.MIN_VALUE) & 0xffffffffL;
      long y = (p.y() ^ Integer.MIN_VALUE) & 0xffffffffL;
      for (int i = 31; i >= 0; i--) {
        b.append((x >>> i & 1) == 1 ? '1' : '0').append((y >>> i & 1) == 1 ? '1' : '0');
      }
    } else {
      byte[] utf8 = ((Key.StringKey) key).value().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < info.maxStringBytes(); i++) {
        appendBits(b, i < utf8.length ? utf8[i] & 0xff : 0, 8);
      }
    }
    return b.toString();
  }

  private static void appendBits(StringBuilder b, long v, int n) {
    for (int i = n - 1; i >= 0; i--) {
      b.append((v >>> i & 1) == 1 ? '1' : '0');
    }
  }

  JsonNode toJson(Key key) {
    if (key instanceof Key.LongKey l) {
      return JSON.numberNode(l.value());
    }
    if (key instanceof Key.PointKey p) {
      return JSON.arrayNode().add(p.x()).add(p.y());
    }
    return JSON.textNode(((Key.StringKey) key).value());
  }

  /** Reads a key written by {@link #toJson}; throws {@link IllegalArgumentException} for anything else. */
  Key fromJson(JsonNode json) {
    Key k = switch (info.type()) {
      case LONG -> {
        if (json == null || !json.canConvertToExactIntegral() || !json.canConvertToLong()) {
          throw new IllegalArgumentException("not a 64-bit integer key: " + json);
        }
        yield Key.of(json.longValue());
      }
      case STRING -> {
        if (json == null || !json.isTextual()) {
          throw new IllegalArgumentException("not a string key: " + json);
        }
        yield Key.of(json.textValue());
      }
      case POINT -> {
        if (json == null || !json.isArray() || json.size() != 2 || !json.get(0).canConvertToInt()
            || !json.get(1).canConvertToInt() || !json.get(0).isIntegralNumber() || !json.get(1).isIntegralNumber()) {
          throw new IllegalArgumentException("not a point key [x, y] of 32-bit integers: " + json);
        }
        yield Key.point(json.get(0).intValue(), json.get(1).intValue());
      }
    };
    return check(k);
  }

  /** Which keys a query wants, and which trie nodes may hold some. */
  interface Region {
    boolean mayContain(String prefix);

    boolean contains(String bits, Key key);
  }

  /** Keys from {@code lo} to {@code hi}, inclusive, as bit strings. */
  Region range(String lo, String hi) {
    int d = bits();
    return new Region() {
      @Override
      public boolean mayContain(String prefix) {
        String min = prefix + "0".repeat(d - prefix.length());
        String max = prefix + "1".repeat(d - prefix.length());
        return min.compareTo(hi) <= 0 && max.compareTo(lo) >= 0;
      }

      @Override
      public boolean contains(String bits, Key key) {
        return bits.compareTo(lo) >= 0 && bits.compareTo(hi) <= 0;
      }
    };
  }

  /** Points with {@code lo.x ≤ x ≤ hi.x} and {@code lo.y ≤ y ≤ hi.y}. */
  Region rectangle(Key.PointKey lo, Key.PointKey hi) {
    long xlo = (lo.x() ^ Integer.MIN_VALUE) & 0xffffffffL;
    long xhi = (hi.x() ^ Integer.MIN_VALUE) & 0xffffffffL;
    long ylo = (lo.y() ^ Integer.MIN_VALUE) & 0xffffffffL;
    long yhi = (hi.y() ^ Integer.MIN_VALUE) & 0xffffffffL;
    return new Region() {
      @Override
      public boolean mayContain(String prefix) {
        // Even positions of the prefix are x bits, odd ones y bits: the prefix fixes the high bits of each.
        long xp = 0;
        long yp = 0;
        int xn = 0;
        int yn = 0;
        for (int i = 0; i < prefix.length(); i++) {
          long bit = prefix.charAt(i) == '1' ? 1 : 0;
          if (i % 2 == 0) {
            xp = xp << 1 | bit;
            xn++;
          } else {
            yp = yp << 1 | bit;
            yn++;
          }
        }
        long xmin = xp << (32 - xn);
        long xmax = xmin | ((1L << (32 - xn)) - 1);
        long ymin = yp << (32 - yn);
        long ymax = ymin | ((1L << (32 - yn)) - 1);
        return xmin <= xhi && xmax >= xlo && ymin <= yhi && ymax >= ylo;
      }

      @Override
      public boolean contains(String bits, Key key) {
        Key.PointKey p = (Key.PointKey) key;
        return p.x() >= lo.x() && p.x() <= hi.x() && p.y() >= lo.y() && p.y() <= hi.y();
      }
    };
  }

  /** The DHT key of the trie node of {@code prefix}: its length and its bits in hex, e.g. {@code 5:a8}. */
  static String dhtKey(String prefix) {
    StringBuilder b = new StringBuilder().append(prefix.length()).append(':');
    for (int i = 0; i < prefix.length(); i += 4) {
      int nibble = 0;
      for (int j = 0; j < 4; j++) {
        nibble = nibble << 1 | (i + j < prefix.length() && prefix.charAt(i + j) == '1' ? 1 : 0);
      }
      b.append(Character.forDigit(nibble, 16));
    }
    return b.toString();
  }

  /** Reads {@link #dhtKey} back. */
  static String prefixOf(String dhtKey) {
    int colon = dhtKey.indexOf(':');
    int length = Integer.parseInt(dhtKey.substring(0, colon));
    StringBuilder b = new StringBuilder(length);
    for (int i = colon + 1; i < dhtKey.length() && b.length() < length; i++) {
      int nibble = Character.digit(dhtKey.charAt(i), 16);
      for (int j = 3; j >= 0 && b.length() < length; j--) {
        b.append((nibble >>> j & 1) == 1 ? '1' : '0');
      }
    }
    return b.toString();
  }

  static KeyType type(String name) {
    try {
      return KeyType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown key type '" + name + "': use long, string or point");
    }
  }
}
