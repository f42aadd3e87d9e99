package dev.weft.query.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.query.catalog.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * Single values of the column types, in the representation {@link dev.weft.query.data.ScanSpec} describes: their Java
 * class, and their JSON form in stored rows and keys (docs/query.md, "Rows"). Shared by the row codec, the keys and the
 * expression JSON so that a value reads the same wherever it travels. Stateless; every method may be called from any
 * thread; a null value is SQL NULL.
 */
public final class Values {
  /** Calcite's DATE and TIMESTAMP range (years 1 to 9999): the text forms below have four-digit years. */
  static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);
  /**
   * The most digits, and the largest scale either way, of a DECIMAL value: far beyond any declared precision, but
   * values also arrive from the network, where 1E-999999999 would make every comparison and addition huge.
   */
  public static final int MAX_DECIMAL_DIGITS = 1000;
  private static final Pattern DATE_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern TIMESTAMP_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
      .withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS")
      .withResolverStyle(ResolverStyle.STRICT);
  private static final long MIN_DAY = MIN_DATE.toEpochDay();
  private static final long MAX_DAY = MAX_DATE.toEpochDay();
  private static final long MIN_MILLIS = MIN_DATE.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  private static final long MAX_MILLIS = MAX_DATE.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()
      - 1;

  private Values() {}

  /** The Java class of a non-null value of {@code type}. */
  public static Class<?> javaClass(ColumnType type) {
    return switch (type) {
      case INTEGER, DATE -> Integer.class;
      case BIGINT, TIMESTAMP -> Long.class;
      case DOUBLE -> Double.class;
      case REAL -> Float.class;
      case DECIMAL -> BigDecimal.class;
      case VARCHAR -> String.class;
      case BOOLEAN -> Boolean.class;
    };
  }

  /**
   * Whether {@code value} is a value of {@code type}: null, or of its Java class (and for DATE and TIMESTAMP within
   * years 1 to 9999, for DECIMAL within {@link #MAX_DECIMAL_DIGITS}).
   */
  public static boolean isValue(ColumnType type, Object value) {
    if (value == null) {
      return true;
    }
    if (!javaClass(type).isInstance(value)) {
      return false;
    }
    return switch (type) {
      case DECIMAL -> ((BigDecimal) value).precision() <= MAX_DECIMAL_DIGITS
          && Math.abs(((BigDecimal) value).scale()) <= MAX_DECIMAL_DIGITS;
      case DATE -> (Integer) value >= MIN_DAY && (Integer) value <= MAX_DAY;
      case TIMESTAMP -> (Long) value >= MIN_MILLIS && (Long) value <= MAX_MILLIS;
      default -> true;
    };
  }

  /**
   * The JSON form of a value of {@code type} (which the caller has checked): integers as JSON integers, DECIMAL as an
   * exact JSON number, DOUBLE and REAL as JSON numbers (NaN and the infinities as the strings {@code "NaN"}, {@code
   * "Infinity"}, {@code "-Infinity"}), DATE {@code YYYY-MM-DD}, TIMESTAMP {@code YYYY-MM-DDTHH:MM:SS.mmm}, NULL null.
   */
  public static JsonNode toJson(ColumnType type, Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    return switch (type) {
      case INTEGER -> f.numberNode((Integer) value);
      case BIGINT -> f.numberNode((Long) value);
      case DOUBLE -> Double.isFinite((Double) value) ? f.numberNode((Double) value) : f.textNode(value.toString());
      case REAL -> Float.isFinite((Float) value) ? f.numberNode((Float) value) : f.textNode(value.toString());
      case DECIMAL -> f.numberNode((BigDecimal) value);
      case VARCHAR -> f.textNode((String) value);
      case BOOLEAN -> f.booleanNode((Boolean) value);
      case DATE -> f.textNode(dateText((Integer) value));
      case TIMESTAMP -> f.textNode(timestampText((Long) value));
    };
  }

  /**
   * Reads the JSON form of a value of {@code type} strictly (no conversion between JSON kinds, no integer out of
   * range, no fraction for an integer type).
   *
   * @param what names the value in the message (a column, a literal)
   * @throws IllegalArgumentException naming {@code what} when the JSON is no value of {@code type}
   */
  public static Object fromJson(ColumnType type, JsonNode json, String what) {
    if (json == null || json.isMissingNode()) {
      throw new IllegalArgumentException(what + ": value missing");
    }
    if (json.isNull()) {
      return null;
    }
    switch (type) {
      case INTEGER:
        if (json.isIntegralNumber() && json.canConvertToInt()) {
          return json.intValue();
        }
        break;
      case BIGINT:
        if (json.isIntegralNumber() && json.canConvertToLong()) {
          return json.longValue();
        }
        break;
      case DOUBLE:
        if (json.isNumber()) {
          return json.doubleValue();
        }
        if (json.isTextual()) {
          return nonFinite(json.textValue(), what).doubleValue();
        }
        break;
      case REAL:
        if (json.isNumber()) {
          return (float) json.doubleValue();
        }
        if (json.isTextual()) {
          return nonFinite(json.textValue(), what).floatValue();
        }
        break;
      case DECIMAL:
        if (json.isIntegralNumber() || json.isBigDecimal()) {
          return json.decimalValue();
        }
        if (json.isNumber()) {
          throw new IllegalArgumentException(what + ": DECIMAL " + json + " was read as a binary floating-point number"
              + " and may have lost digits (read JSON with USE_BIG_DECIMAL_FOR_FLOATS)");
        }
        break;
      case VARCHAR:
        if (json.isTextual()) {
          return json.textValue();
        }
        break;
      case BOOLEAN:
        if (json.isBoolean()) {
          return json.booleanValue();
        }
        break;
      case DATE:
        if (json.isTextual()) {
          return parseDate(json.textValue(), what);
        }
        break;
      case TIMESTAMP:
        if (json.isTextual()) {
          return parseTimestamp(json.textValue(), what);
        }
        break;
      default:
        throw new AssertionError(type);
    }
    throw new IllegalArgumentException(what + ": " + abbreviate(json.toString()) + " is not a " + type + " value");
  }

  /** DATE's text: {@code YYYY-MM-DD}. */
  public static String dateText(int days) {
    return LocalDate.ofEpochDay(days).format(DATE);
  }

  /** TIMESTAMP's text: ISO-8601 without zone, to the millisecond. */
  public static String timestampText(long millis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000) * 1_000_000,
        ZoneOffset.UTC).format(TIMESTAMP);
  }

  /** Reads {@code YYYY-MM-DD} (years 1 to 9999) as days since 1970-01-01. */
  public static int parseDate(String text, String what) {
    if (DATE_TEXT.matcher(text).matches()) {
      try {
        LocalDate d = LocalDate.parse(text, DATE);
        if (!d.isBefore(MIN_DATE)) {
          return (int) d.toEpochDay();
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(what + ": '" + abbreviate(text) + "' is not a DATE (YYYY-MM-DD)");
  }

  /** Reads {@code YYYY-MM-DDTHH:MM:SS.mmm} (years 1 to 9999) as milliseconds since 1970-01-01T00:00. */
  public static long parseTimestamp(String text, String what) {
    if (TIMESTAMP_TEXT.matcher(text).matches()) {
      try {
        LocalDateTime t = LocalDateTime.parse(text, TIMESTAMP);
        if (!t.toLocalDate().isBefore(MIN_DATE)) {
          return ChronoUnit.MILLIS.between(LocalDateTime.of(1970, 1, 1, 0, 0), t);
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(what + ": '" + abbreviate(text)
        + "' is not a TIMESTAMP (YYYY-MM-DDTHH:MM:SS.mmm)");
  }

  private static Double nonFinite(String text, String what) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> throw new IllegalArgumentException(what + ": '" + abbreviate(text) + "' is not a number");
    };
  }

  /** Network input ends up in messages: keep them short. */
  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
