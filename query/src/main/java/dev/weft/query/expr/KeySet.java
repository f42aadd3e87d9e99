package dev.weft.query.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import com.google.common.hash.PrimitiveSink;
import dev.weft.query.catalog.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The join keys one side of a join holds, sent with a scan of the other side so that its nodes send only rows that can
 * match (a semi-join): the keys themselves when they are few, else a Bloom filter of them (Guava's, which answers "maybe"
 * for about 1% of the keys it does not hold; the join at the asking node drops those rows). A key is a tuple of values
 * of {@link #types}; two keys are equal as SQL's {@code =} says, so DECIMALs compare by value ({@code 2.0 = 2.00}) and
 * {@code -0.0 = 0.0}; a key with a NULL (or a NaN) is in no set. Immutable; any thread.
 */
public final class KeySet {
  /**
   * Most keys sent as themselves; more go as a Bloom filter. The set goes to every node with the scan, and a key as JSON
   * takes about four times a Bloom filter's 1.2 bytes, so exact keys pay only while they are few.
   */
  public static final int MAX_EXACT = 32;
  /** Largest Bloom filter read or made, in bytes. */
  public static final int MAX_BLOOM_BYTES = 64 * 1024;
  /** Share of absent keys a Bloom filter lets through. */
  static final double FALSE_POSITIVES = 0.01;
  private static final int MAX_HASHES = 32;

  private final List<ColumnType> types;
  private final Set<List<Object>> exact;
  private final BloomFilter<List<Object>> bloom;

  private KeySet(List<ColumnType> types, Set<List<Object>> exact, BloomFilter<List<Object>> bloom) {
    this.types = List.copyOf(types);
    this.exact = exact;
    this.bloom = bloom;
  }

  /**
   * The set of {@code keys}, each a tuple of values of {@code types} in the representation of {@link
   * dev.weft.query.data.ScanSpec}: exact up to {@value #MAX_EXACT} keys, else a Bloom filter; empty when that filter
   * would pass {@value #MAX_BLOOM_BYTES} bytes. Keys with a NULL are left out.
   *
   * @throws IllegalArgumentException when a key is not a tuple of those types
   */
  public static Optional<KeySet> of(List<ColumnType> types, Collection<List<Object>> keys) {
    Set<List<Object>> canonical = new HashSet<>();
    for (List<Object> k : keys) {
      check(types, k);
      canonical(k).ifPresent(canonical::add);
    }
    if (canonical.size() <= MAX_EXACT) {
      return Optional.of(new KeySet(types, Set.copyOf(canonical), null));
    }
    // Guava sizes the filter at about -n·ln(p)/ln²2 bits: 9.6 per key at 1%.
    if (canonical.size() * 9.6 / 8 > MAX_BLOOM_BYTES - 64) {
      return Optional.empty();
    }
    BloomFilter<List<Object>> bloom = BloomFilter.create(KeyFunnel.INSTANCE, canonical.size(), FALSE_POSITIVES);
    canonical.forEach(bloom::put);
    return Optional.of(new KeySet(types, null, bloom));
  }

  /** The column types of a key. */
  public List<ColumnType> types() {
    return types;
  }

  /** Whether this set sends its keys themselves (else a Bloom filter). */
  public boolean isExact() {
    return exact != null;
  }

  /** Whether {@code key} (values of {@link #types}) may be in the set: surely not when false. */
  public boolean mightContain(List<Object> key) {
    Optional<List<Object>> k = canonical(key);
    if (k.isEmpty()) {
      return false;
    }
    return exact != null ? exact.contains(k.get()) : bloom.mightContain(k.get());
  }

  /**
   * Whether sending this set with a scan to {@code nodes} nodes costs fewer bytes than the {@code rows} rows of {@code
   * columns} columns it can keep from travelling (at most all of them; a row as it travels, key and version included,
   * taken as 24 bytes and 12 per column). A large set over a small table is not worth it: every node gets the set.
   */
  public boolean pays(long nodes, long rows, int columns) {
    return (double) bytes() * nodes < rows * (24.0 + 12.0 * columns);
  }

  /** The size of the set as it travels, in bytes (about). */
  public int bytes() {
    return toJson().toString().length();
  }

  @Override
  public String toString() {
    return exact != null ? exact.size() + " keys" : "bloom of " + (bytes() / 1024) + " KiB";
  }

  /**
   * {@code key} as this class compares it: INTEGERs as BIGINTs, DECIMALs without trailing zeros, -0.0 as 0.0; empty when it holds a NULL or
   * a NaN, which equal nothing.
   */
  public static Optional<List<Object>> canonical(List<Object> key) {
    List<Object> out = new ArrayList<>(key.size());
    for (Object v : key) {
      if (v == null || (v instanceof Double d && d.isNaN()) || (v instanceof Float f && f.isNaN())) {
        return Optional.empty();
      }
      if (v instanceof Integer i) {
        out.add(i.longValue());
      } else if (v instanceof BigDecimal d) {
        out.add(d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
      } else if (v instanceof Double d && d == 0) {
        out.add(0.0d);
      } else if (v instanceof Float f && f == 0) {
        out.add(0.0f);
      } else {
        out.add(v);
      }
    }
    return Optional.of(out);
  }

  /** The set as it travels: {@code {"types":[...], "keys":[[...],...]}} or {@code {"types":[...], "bloom":"<base64>"}}. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    types.forEach(t -> o.withArray("types").add(t.name()));
    if (exact != null) {
      var a = o.putArray("keys");
      for (List<Object> k : exact) {
        var tuple = a.addArray();
        for (int i = 0; i < k.size(); i++) {
          Object v = k.get(i);
          ColumnType type = types.get(i);
          tuple.add(type == ColumnType.DECIMAL ? JsonNodeFactory.instance.textNode(v.toString())
              : Values.toJson(type, v instanceof Long l && type != ColumnType.BIGINT && type != ColumnType.TIMESTAMP
                  ? (Object) l.intValue() : v)); // canonical keys hold INTEGERs (and DATEs) as longs
        }
      }
    } else {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        bloom.writeTo(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      o.put("bloom", Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }
    return o;
  }

  /**
   * Reads {@link #toJson}'s form as it came over the network: every field checked, the Bloom filter's header against its
   * length before anything is allocated.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static KeySet fromJson(JsonNode j) {
    if (j == null || !j.isObject()) {
      throw new IllegalArgumentException("a key set must be an object");
    }
    for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("types", "keys", "bloom").contains(f)) {
        throw new IllegalArgumentException("a key set has an unknown field \"" + Values.abbreviate(f) + "\"");
      }
    }
    JsonNode t = j.get("types");
    if (t == null || !t.isArray() || t.isEmpty() || t.size() > ExprJson.MAX_DEPTH) {
      throw new IllegalArgumentException("a key set needs 1 to " + ExprJson.MAX_DEPTH + " \"types\"");
    }
    List<ColumnType> types = new ArrayList<>();
    for (JsonNode n : t) {
      try {
        types.add(ColumnType.valueOf(n.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a key set's type " + Values.abbreviate(n.toString()) + " is unknown");
      }
    }
    if (j.has("keys") == j.has("bloom")) {
      throw new IllegalArgumentException("a key set has either \"keys\" or \"bloom\"");
    }
    if (j.has("keys")) {
      JsonNode keys = j.get("keys");
      if (!keys.isArray() || keys.size() > MAX_EXACT) {
        throw new IllegalArgumentException("a key set's \"keys\" must be an array of at most " + MAX_EXACT);
      }
      Set<List<Object>> exact = new HashSet<>();
      for (JsonNode k : keys) {
        if (!k.isArray() || k.size() != types.size()) {
          throw new IllegalArgumentException("a key of a key set must be an array of " + types.size() + " values");
        }
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
          ColumnType type = types.get(i);
          Object v = type == ColumnType.DECIMAL && k.get(i).isTextual() ? decimal(k.get(i).textValue())
              : Values.fromJson(type, k.get(i), "key");
          if (v == null || !Values.isValue(type, v)) {
            throw new IllegalArgumentException("a key set's value " + Values.abbreviate(k.get(i).toString())
                + " is no " + type);
          }
          key.add(v);
        }
        canonical(key).ifPresent(exact::add);
      }
      return new KeySet(types, Set.copyOf(exact), null);
    }
    JsonNode b = j.get("bloom");
    byte[] bytes;
    try {
      bytes = b.isTextual() && b.textValue().length() <= MAX_BLOOM_BYTES * 4 / 3 + 4
          ? Base64.getDecoder().decode(b.textValue()) : null;
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    // Guava's form: strategy (1 byte), hash functions (1 byte, unsigned), length in longs (int), the longs.
    if (bytes == null || bytes.length < 14 || bytes.length > MAX_BLOOM_BYTES) {
      throw new IllegalArgumentException("a key set's \"bloom\" must be base64 of 14 to " + MAX_BLOOM_BYTES + " bytes");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes);
    int strategy = header.get();
    int hashes = Byte.toUnsignedInt(header.get());
    int longs = header.getInt();
    if (strategy != 1 || hashes < 1 || hashes > MAX_HASHES || longs < 1 || bytes.length != 6 + 8L * longs) {
      throw new IllegalArgumentException("a key set's \"bloom\" has a malformed header");
    }
    try {
      return new KeySet(types, null, BloomFilter.readFrom(new ByteArrayInputStream(bytes), KeyFunnel.INSTANCE));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("a key set's \"bloom\" cannot be read: " + e.getMessage());
    }
  }

  private static BigDecimal decimal(String text) {
    if (text.length() > 2 * Values.MAX_DECIMAL_DIGITS + 10) {
      throw new IllegalArgumentException("a key set's DECIMAL of " + text.length() + " characters");
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a key set's DECIMAL '" + Values.abbreviate(text) + "' is not a number");
    }
  }

  private static void check(List<ColumnType> types, List<Object> key) {
    if (key.size() != types.size()) {
      throw new IllegalArgumentException("a key of " + key.size() + " values for " + types.size() + " columns");
    }
    for (int i = 0; i < key.size(); i++) {
      if (key.get(i) != null && !Values.isValue(types.get(i), key.get(i))) {
        throw new IllegalArgumentException("key value " + Exprs.describe(key.get(i)) + " is no " + types.get(i));
      }
    }
  }

  /** The bytes a canonical key hashes as: per value a tag, then the value (a text with its length). */
  private enum KeyFunnel implements Funnel<List<Object>> {
    INSTANCE;

    @Override
    public void funnel(List<Object> key, PrimitiveSink into) {
      for (Object v : key) {
        if (v instanceof Long l) {
          into.putByte((byte) 1).putLong(l);
        } else if (v instanceof Double d) {
          into.putByte((byte) 2).putDouble(d);
        } else if (v instanceof Float f) {
          into.putByte((byte) 3).putFloat(f);
        } else if (v instanceof BigDecimal d) {
          into.putByte((byte) 4).putInt(d.scale()).putBytes(d.unscaledValue().toByteArray());
        } else if (v instanceof String s) {
          into.putByte((byte) 5).putInt(s.length()).putString(s, StandardCharsets.UTF_8);
        } else if (v instanceof Boolean b) {
          into.putByte((byte) 6).putBoolean(b);
        } else {
          throw new IllegalStateException("no key value: " + v.getClass().getSimpleName());
        }
      }
    }
  }
}
