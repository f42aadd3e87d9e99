package dev.weft.distribution;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.weft.api.Address;
import dev.weft.api.NodeId;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.messaging.remote.MessagingForms;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.IndexStats;
import dev.weft.pht.remote.PhtForms;
import dev.weft.remote.RemoteJson;
import dev.weft.schema.Global;
import dev.weft.schema.remote.SchemaForms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The JSON mapper of the node's side of the distribution. Both sides read and write the same forms: the CLI reads and
 * writes its trees with {@link JsonTree}, which {@link #parse} is too. The forms are those the browser gateway writes
 * too, declared in weft-remote ({@link RemoteJson}) and in each feature's {@code remote} package: ids, addresses and versions as their
 * strings, objects as {@code {namespace, key, value, version}}, messages as {@code {kind, id, sender, channel,
 * namespace?, key?, payload}}, globals as {@code {name, value, version}} or {@code {name, removed: true, version}},
 * index entries as {@code {key, value}} with the key as {@link PhtForms#key} writes it, index definitions as
 * {@code {name, type, leafCapacity, keyBits, maxStringBytes}} and their shape as {@code {index, depth, leaves,
 * internal, entries}}.
 *
 * <p>Public, as are the members the sub-packages call: the HTTP API, the web UI's error answers and the node commands
 * write with it.
 */
public final class Json {
  public static final ObjectMapper MAPPER = RemoteJson.builder()
      .addModule(new SimpleModule("weft")
          .addSerializer(NodeId.class, ToStringSerializer.instance)
          .addSerializer(Address.class, ToStringSerializer.instance)
          .addSerializer(Version.class, ToStringSerializer.instance)
          .addSerializer(StoredObject.class, new FormSerializer<>(StoredObject.class, RemoteJson::storedObject))
          .addSerializer(ReceivedMessage.class, new FormSerializer<>(ReceivedMessage.class, MessagingForms::received))
          .addSerializer(Global.class, new FormSerializer<>(Global.class, SchemaForms::global))
          .addSerializer(Entry.class, new FormSerializer<>(Entry.class, PhtForms::entry))
          .addSerializer(IndexInfo.class, new FormSerializer<>(IndexInfo.class, PhtForms::indexInfo))
          .addSerializer(IndexStats.class, new FormSerializer<>(IndexStats.class, PhtForms::indexStats)))
      .build();

  private Json() {}

  /** {@link JsonTree#parse}: the one way the distribution reads JSON text. */
  public static JsonNode parse(byte[] json) throws JsonProcessingException {
    return JsonTree.parse(json);
  }

  public static JsonNode parse(String json) throws JsonProcessingException {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link JsonTree#reason}. */
  public static String reason(JsonProcessingException e) {
    return JsonTree.reason(e);
  }

  /** {@code value} as compact JSON, UTF-8. */
  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code value} as compact JSON and a newline: an HTTP body, or one line of a stream. */
  public static byte[] line(Object value) {
    byte[] json = bytes(value);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /** {@code value} as compact JSON on one line. */
  public static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code value} as indented JSON, for people ({@code --pretty}). */
  static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code {"error": message}}, the body of every failed HTTP request. */
  public static ObjectNode error(String message) {
    return MAPPER.createObjectNode().put("error", message);
  }

  /** Writes a record as the form its module's {@code remote} package gives it, so that both faces write the same. */
  private static final class FormSerializer<T> extends StdSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient Function<T, JsonNode> form;

    FormSerializer(Class<T> type, Function<T, JsonNode> form) {
      super(type);
      this.form = form;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeTree(form.apply(value));
    }
  }
}
