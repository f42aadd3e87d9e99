package dev.weft.distribution;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * JSON text to Jackson's trees and back, over jackson-core's streaming parser and generator: all a client command
 * needs of JSON, without an {@code ObjectMapper}, whose start (serializer factories, date formats and with them the
 * JDK's locale data) cost a command a tenth of a second (docs/benchmarks.md, "CLI start-up"). The rules of reading
 * are the distribution's: {@link Json#parse}, which the HTTP API reads requests with, is this. Written trees are
 * those an {@code ObjectMapper} writes (JsonTest compares them). Public for the CLI's commands.
 */
public final class JsonTree {
  /** Makes the nodes; decimals are kept as written ({@code 1.50} stays {@code 1.50}). */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      // {"a":1,"a":2} is a mistake, not {"a":2}.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private JsonTree() {}

  /**
   * Parses exactly one JSON value: no trailing content ("1 2", "{}x"), no duplicate keys, no NaN; integers as int,
   * long or big integer nodes as they fit, every number with a fraction or an exponent as a {@code BigDecimal} as
   * written (so that {@code 1.10} is not {@code 1.1}, nor 12345678901234567890.5 a double).
   *
   * @throws JsonProcessingException with a message fit for a user when the text is not exactly one JSON value
   */
  public static JsonNode parse(byte[] json) throws JsonProcessingException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new EmptyJsonException();
      }
      JsonNode value = read(parser, first);
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw new JsonParseException(parser, "trailing content after the JSON value (" + trailing.asString()
            + "...): only one value is allowed");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      // Only a byte array is read: no real I/O can fail.
      throw new UncheckedIOException(e);
    }
  }

  /** A short, single-line reason why {@code e} rejected the input, without Jackson's source excerpts. */
  public static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    String line = message.lines().findFirst().orElse(message).trim();
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0 && !(e instanceof EmptyJsonException)) {
      line += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
    return line;
  }

  /** {@code value} as compact JSON on one line. */
  public static String text(JsonNode value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** {@code value} as indented JSON, for people ({@code --pretty}). */
  public static String pretty(JsonNode value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
      write(generator, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** {@code value} as compact JSON, UTF-8. */
  public static byte[] bytes(JsonNode value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(generator, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes {@code node} as Jackson's own nodes write themselves (which needs an ObjectMapper's serializers). */
  private static void write(JsonGenerator generator, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        generator.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          generator.writeFieldName(field.getKey());
          write(generator, field.getValue());
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (JsonNode element : node) {
          write(generator, element);
        }
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(node.textValue());
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> generator.writeNumber(node.intValue());
          case LONG -> generator.writeNumber(node.longValue());
          case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
          case FLOAT -> generator.writeNumber(node.floatValue());
          case DOUBLE -> generator.writeNumber(node.doubleValue());
          default -> generator.writeNumber(node.decimalValue());
        }
      }
      case BOOLEAN -> generator.writeBoolean(node.booleanValue());
      case BINARY -> generator.writeBinary(node.binaryValue());
      case NULL, MISSING -> generator.writeNull();
      default -> throw new IllegalArgumentException("a " + node.getNodeType() + " node is not JSON text");
    }
  }

  /** The value that starts with {@code first}; iterative, so that nesting costs heap, not stack. */
  private static JsonNode read(JsonParser parser, JsonToken first) throws IOException {
    if (!first.isStructStart()) {
      return scalar(parser, first);
    }
    ContainerNode<?> root = container(first);
    Deque<ContainerNode<?>> open = new ArrayDeque<>();
    open.push(root);
    String field = null;
    while (!open.isEmpty()) {
      // Never null here: the parser fails on input that ends inside a value.
      JsonToken token = parser.nextToken();
      if (token == JsonToken.FIELD_NAME) {
        field = parser.currentName();
        continue;
      }
      if (token.isStructEnd()) {
        open.pop();
        continue;
      }
      JsonNode value = token.isStructStart() ? container(token) : scalar(parser, token);
      if (open.peek() instanceof ObjectNode object) {
        object.set(field, value);
      } else {
        ((ArrayNode) open.peek()).add(value);
      }
      if (token.isStructStart()) {
        open.push((ContainerNode<?>) value);
      }
    }
    return root;
  }

  private static ContainerNode<?> container(JsonToken start) {
    return start == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
  }

  private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseException(parser, "unexpected " + token + " in JSON text");
    }
  }

  /** Empty input (or only whitespace). */
  static final class EmptyJsonException extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    EmptyJsonException() {
      super("no JSON value (the input is empty)");
    }
  }
}
