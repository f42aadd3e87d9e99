package dev.weft.pht;

import java.util.Objects;

/**
 * A key of an index: a 64-bit integer, a string or a 2-D point, by the index's {@link KeyType}. Keys are ordered as
 * their type orders them: integers numerically (negatives first), strings by their UTF-8 bytes (which is code-point
 * order), points along the z-order curve (bits of x and y interleaved).
 */
public sealed interface Key {
  /** The type of index this key belongs to. */
  KeyType type();

  static Key of(long value) {
    return new LongKey(value);
  }

  static Key of(String value) {
    return new StringKey(value);
  }

  static Key point(int x, int y) {
    return new PointKey(x, y);
  }

  /** A key of an index of {@link KeyType#LONG}. */
  record LongKey(long value) implements Key {
    @Override
    public KeyType type() {
      return KeyType.LONG;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A key of an index of {@link KeyType#STRING}; no NUL characters, at most the index's byte bound as UTF-8. */
  record StringKey(String value) implements Key {
    public StringKey {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public KeyType type() {
      return KeyType.STRING;
    }

    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  /** A key of an index of {@link KeyType#POINT}. */
  record PointKey(int x, int y) implements Key {
    @Override
    public KeyType type() {
      return KeyType.POINT;
    }

    @Override
    public String toString() {
      return "(" + x + "," + y + ")";
    }
  }
}
