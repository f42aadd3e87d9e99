package dev.weft.kademlia.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link Envelope}s as JSON (docs/protocol.md). Strict on input: every field is checked for type and
 * bounds, so a decoded message can be trusted to be well formed (not to be true). Thread-safe.
 */
final class Codec {
  static final int PROTOCOL_VERSION = 1;
  static final int MAX_ADDRESSES = 8;
  static final int MAX_NODES = 64;
  static final int MAX_NESTING = 64;
  /** Most records a STORE_MANY carries (and results its answer): the message size bounds it first for most values. */
  static final int MAX_BATCH_RECORDS = 1024;

  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .build();
  /** Reads decimals exactly ({@code 2.50} stays {@code 2.50}): values are the user's data, not ours to round. */
  static final ObjectMapper MAPPER = JsonMapper.builder(JSON)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final int maxValueBytes;

  Codec(int maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  byte[] encode(Envelope e) {
    return encode(e, 0);
  }

  /**
   * {@code e}'s bytes, padded to at least {@code padTo} (a request sent without a token: its answer may then be as
   * large); 0 pads nothing.
   */
  byte[] encode(Envelope e, int padTo) {
    if (e.message() instanceof Message.StoreMany many && !many.encoded().isEmpty()) {
      byte[] spliced = splice(e, many.encoded(), padTo);
      if (spliced != null) {
        return spliced;
      }
    }
    byte[] plain = encodePadded(e, 0);
    // `,"pad":""` is 9 bytes; the padding is spaces, which the decoder skips like any unknown field.
    int missing = padTo - plain.length - 9;
    return missing > 0 ? encodePadded(e, missing) : plain;
  }

  private static final byte[] EMPTY_RECORDS = "\"records\":[]".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /**
   * A STORE_MANY whose records are already encoded: the envelope is written with no records, and the records' bytes
   * are copied in between the array's brackets, into one array of the exact size. The same bytes as writing them
   * through the generator, without its buffers (a batch message is some 48 KiB). Null when padding would be needed.
   */
  private byte[] splice(Envelope e, List<byte[]> records, int padTo) {
    byte[] head = encodePadded(e.withMessage(new Message.StoreMany(List.of())), 0);
    int total = head.length + records.size() - 1;
    for (byte[] r : records) {
      total += r.length;
    }
    if (padTo - total - 9 > 0) {
      return null;
    }
    int at = lastIndexOf(head, EMPTY_RECORDS) + EMPTY_RECORDS.length - 1; // the ']'
    byte[] out = new byte[total];
    System.arraycopy(head, 0, out, 0, at);
    int pos = at;
    for (int i = 0; i < records.size(); i++) {
      if (i > 0) {
        out[pos++] = ',';
      }
      byte[] r = records.get(i);
      System.arraycopy(r, 0, out, pos, r.length);
      pos += r.length;
    }
    System.arraycopy(head, at, out, pos, head.length - at);
    return out;
  }

  private static int lastIndexOf(byte[] data, byte[] part) {
    for (int i = data.length - part.length; i >= 0; i--) {
      if (java.util.Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new IllegalStateException("no " + new String(part, java.nio.charset.StandardCharsets.UTF_8));
  }

  private byte[] encodePadded(Envelope e, int pad) {
    Message m = e.message();
    Record record = m instanceof Message.Store s ? s.record() : m instanceof Message.Value v ? v.record() : null;
    int size = record != null ? record.valueSize() : 0;
    if (m instanceof Message.StoreMany many) {
      for (Record r : many.records()) {
        size += 200 + r.valueSize();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + pad + size);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", PROTOCOL_VERSION);
      g.writeStringField("t", m.type().name());
      g.writeNumberField("rid", e.rid());
      if (e.tok() != null) {
        g.writeNumberField("tok", e.tok());
      }
      g.writeStringField("from", e.from().toHex());
      writeAddresses(g, "addrs", e.addresses());
      writeBody(g, m);
      if (pad > 0) {
        g.writeStringField("pad", " ".repeat(pad));
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode " + e, ex);
    }
    return out.toByteArray();
  }

  /** The type's own fields, in the order every type's fields have always had (WirePinTest). */
  private static void writeBody(JsonGenerator g, Message m) throws IOException {
    if (m instanceof Message.FindNode f) {
      g.writeStringField("target", f.target().toHex());
    } else if (m instanceof Message.FindValue f) {
      g.writeStringField("target", f.target().toHex());
      g.writeStringField("ns", f.namespace());
      g.writeStringField("key", f.key());
    } else if (m instanceof Message.Store s) {
      g.writeFieldName("record");
      writeRecord(g, s.record());
    } else if (m instanceof Message.Value v) {
      g.writeFieldName("record");
      writeRecord(g, v.record());
    } else if (m instanceof Message.Nodes n) {
      g.writeFieldName("nodes");
      writeContacts(g, n.nodes());
    } else if (m instanceof Message.App a) {
      g.writeStringField("channel", a.channel());
      g.writeFieldName("body");
      MAPPER.writeTree(g, a.body());
      if (a.oneway()) {
        g.writeBooleanField("oneway", true);
      }
    } else if (m instanceof Message.AppReply a) {
      g.writeFieldName("body");
      MAPPER.writeTree(g, a.body());
    } else if (m instanceof Message.Stored s) {
      g.writeBooleanField("accepted", s.accepted());
      g.writeStringField("version", s.version().toString());
    } else if (m instanceof Message.Error e) {
      g.writeStringField("error", e.error());
    } else if (m instanceof Message.StoreMany many) {
      g.writeArrayFieldStart("records");
      if (many.encoded().isEmpty()) {
        for (Record r : many.records()) {
          writeRecord(g, r);
        }
      } else {
        for (byte[] r : many.encoded()) {
          g.writeRawValue(new RawJson(r));
        }
      }
      g.writeEndArray();
    } else if (m instanceof Message.StoredMany many) {
      g.writeArrayFieldStart("results");
      for (Message.StoredMany.Result r : many.results()) {
        g.writeStartObject();
        if (r.failed()) {
          g.writeStringField("error", r.error());
        } else if (r.accepted()) {
          g.writeBooleanField("accepted", true);
        } else {
          g.writeBooleanField("accepted", false);
          g.writeStringField("version", r.version().toString());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    // PING, PONG and TOKEN have no fields of their own.
  }

  private static void writeAddresses(JsonGenerator g, String field, List<Address> addresses) throws IOException {
    g.writeArrayFieldStart(field);
    for (Address a : addresses) {
      g.writeString(a.toString());
    }
    g.writeEndArray();
  }

  private static void writeRecord(JsonGenerator g, Record r) throws IOException {
    g.writeStartObject();
    g.writeStringField("ns", r.namespace());
    g.writeStringField("key", r.key());
    if (r.tombstone()) {
      g.writeBooleanField("tomb", true);
    } else {
      g.writeFieldName("val");
      g.writeRawValue(new RawJson(r.valueBytes()));
    }
    g.writeStringField("ver", r.version().toString());
    g.writeNumberField("exp", r.expiresAtMillis());
    g.writeStringField("pub", r.publisher().toHex());
    if (r.signed()) {
      g.writeStringField("sig", java.util.Base64.getEncoder().encodeToString(r.signature()));
    }
    g.writeEndObject();
  }

  /** One record as JSON, the same form it has inside messages: how node state such as publications is saved. */
  byte[] encodeRecord(Record r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + r.valueSize());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeRecord(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + r, e);
    }
    return out.toByteArray();
  }

  Record decodeRecord(byte[] data) throws MalformedMessageException {
    try (JsonParser p = JSON.createParser(data)) {
      Record r = record(p, p.nextToken(), data);
      if (p.nextToken() != null) {
        throw new MalformedMessageException("trailing data after the record");
      }
      return r;
    } catch (IOException | RuntimeException e) {
      throw new MalformedMessageException("cannot decode record: " + e.getMessage(), e);
    }
  }

  /** Contacts as a JSON array of {@code {"id","addrs"}}: the saved routing table. */
  byte[] encodeContacts(List<Contact> contacts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * contacts.size() + 2);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeContacts(g, contacts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode contacts", e);
    }
    return out.toByteArray();
  }

  List<Contact> decodeContacts(byte[] data) throws MalformedMessageException {
    try (JsonParser p = JSON.createParser(data)) {
      List<Contact> out = contacts(p, p.nextToken(), Integer.MAX_VALUE);
      if (p.nextToken() != null) {
        throw new MalformedMessageException("trailing data after the contacts");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new MalformedMessageException("cannot decode contacts: " + e.getMessage(), e);
    }
  }

  private static void writeContacts(JsonGenerator g, List<Contact> contacts) throws IOException {
    g.writeStartArray();
    for (Contact c : contacts) {
      g.writeStartObject();
      g.writeStringField("id", c.id().toHex());
      writeAddresses(g, "addrs", c.addresses());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  Envelope decode(byte[] data) throws MalformedMessageException {
    try (JsonParser p = JSON.createParser(data)) {
      Envelope m = decodeObject(p, data);
      if (p.nextToken() != null) {
        throw new MalformedMessageException("trailing data after the message");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new MalformedMessageException("cannot decode: " + e.getMessage(), e);
    }
  }

  /** Every field any type may have, as read; {@link #body} checks the type has what it needs. */
  private static final class Fields {
    NodeId target;
    String namespace;
    String key;
    Record record;
    List<Contact> nodes;
    String channel;
    JsonNode body;
    boolean oneway;
    boolean accepted;
    Version version;
    String error;
    Long tok;
    List<Record> records;
    List<Message.StoredMany.Result> results;
  }

  private Envelope decodeObject(JsonParser p, byte[] data) throws IOException, MalformedMessageException {
    expect(p.nextToken(), JsonToken.START_OBJECT, "message");
    Integer version = null;
    MessageType type = null;
    Long rid = null;
    NodeId from = null;
    List<Address> addrs = List.of();
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "v" -> version = intValue(p, t, field);
        case "t" -> type = enumValue(text(p, t, field));
        case "rid" -> rid = longValue(p, t, field);
        case "from" -> from = id(text(p, t, field), field);
        case "addrs" -> addrs = addresses(p, t, field);
        case "target" -> f.target = id(text(p, t, field), field);
        case "ns" -> f.namespace = name(text(p, t, field), field);
        case "key" -> f.key = name(text(p, t, field), field);
        case "record" -> f.record = record(p, t, data);
        case "nodes" -> f.nodes = contacts(p, t, MAX_NODES);
        case "channel" -> f.channel = name(text(p, t, field), field);
        case "body" -> {
          if (t == JsonToken.VALUE_NULL) {
            throw new MalformedMessageException("body may not be null");
          }
          f.body = MAPPER.readTree(p);
        }
        case "oneway" -> f.oneway = boolValue(t, field);
        case "accepted" -> f.accepted = boolValue(t, field);
        case "version" -> f.version = versionValue(text(p, t, field));
        case "error" -> f.error = bounded(text(p, t, field), 4096, field);
        case "tok" -> f.tok = longValue(p, t, field);
        case "records" -> f.records = records(p, t, data);
        case "results" -> f.results = results(p, t);
        default -> p.skipChildren(); // newer peers may add fields
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new MalformedMessageException("message is not a JSON object");
    }
    if (version == null || version != PROTOCOL_VERSION) {
      throw new MalformedMessageException("unsupported protocol version " + version);
    }
    if (type == null || rid == null || from == null) {
      throw new MalformedMessageException("missing t, rid or from");
    }
    if ((f.namespace == null) != (f.key == null)) {
      throw new MalformedMessageException("ns and key go together");
    }
    return new Envelope(rid, from, addrs, f.tok, body(type, f));
  }

  /** The typed body; fields another type has are dropped (they were never used). */
  private static Message body(MessageType type, Fields f) throws MalformedMessageException {
    return switch (type) {
      case PING -> new Message.Ping();
      case FIND_NODE -> {
        require(f.target != null, "FIND_NODE needs target");
        yield new Message.FindNode(f.target);
      }
      case FIND_VALUE -> {
        require(f.target != null && f.namespace != null && f.key != null, "FIND_VALUE needs target, ns, key");
        yield new Message.FindValue(f.target, f.namespace, f.key);
      }
      case STORE -> {
        require(f.record != null, "STORE needs record");
        yield new Message.Store(f.record);
      }
      case APP -> {
        require(f.channel != null && f.body != null, "APP needs channel and body");
        yield new Message.App(f.channel, f.body, f.oneway);
      }
      case PONG -> new Message.Pong();
      case NODES -> {
        require(f.nodes != null, "NODES needs nodes");
        yield new Message.Nodes(f.nodes);
      }
      case VALUE -> {
        require(f.record != null, "VALUE needs record");
        yield new Message.Value(f.record);
      }
      case STORED -> {
        require(f.version != null, "STORED needs version");
        yield new Message.Stored(f.accepted, f.version);
      }
      case APP_REPLY -> {
        require(f.body != null, "APP_REPLY needs body");
        yield new Message.AppReply(f.body);
      }
      case TOKEN -> {
        require(f.tok != null, "TOKEN needs tok");
        yield new Message.Token();
      }
      case ERROR -> {
        require(f.error != null, "ERROR needs error");
        yield new Message.Error(f.error);
      }
      case STORE_MANY -> {
        require(f.records != null && !f.records.isEmpty(), "STORE_MANY needs records");
        yield new Message.StoreMany(f.records);
      }
      case STORED_MANY -> {
        require(f.results != null, "STORED_MANY needs results");
        yield new Message.StoredMany(f.results);
      }
    };
  }

  private List<Record> records(JsonParser p, JsonToken t, byte[] data) throws IOException, MalformedMessageException {
    expect(t, JsonToken.START_ARRAY, "records");
    List<Record> out = new ArrayList<>();
    JsonToken next;
    while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
      if (out.size() == MAX_BATCH_RECORDS) {
        throw new MalformedMessageException("more than " + MAX_BATCH_RECORDS + " records");
      }
      out.add(record(p, next, data));
    }
    return out;
  }

  /** Each {@code {"accepted", "version"}} or {@code {"error"}}. */
  private static List<Message.StoredMany.Result> results(JsonParser p, JsonToken t)
      throws IOException, MalformedMessageException {
    expect(t, JsonToken.START_ARRAY, "results");
    List<Message.StoredMany.Result> out = new ArrayList<>();
    JsonToken next;
    while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
      if (out.size() == MAX_BATCH_RECORDS) {
        throw new MalformedMessageException("more than " + MAX_BATCH_RECORDS + " results");
      }
      expect(next, JsonToken.START_OBJECT, "result");
      Boolean accepted = null;
      Version version = null;
      String error = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "accepted" -> accepted = boolValue(v, field);
          case "version" -> version = versionValue(text(p, v, field));
          case "error" -> error = bounded(text(p, v, field), 4096, field);
          default -> p.skipChildren();
        }
      }
      if (error != null) {
        out.add(Message.StoredMany.Result.failed(error));
      } else if (Boolean.TRUE.equals(accepted)) {
        out.add(new Message.StoredMany.Result(true, Version.ZERO, ""));
      } else if (accepted != null && version != null) {
        out.add(new Message.StoredMany.Result(false, version, ""));
      } else {
        throw new MalformedMessageException("a result has accepted, version when not accepted, or error");
      }
    }
    return out;
  }

  private static void require(boolean ok, String what) throws MalformedMessageException {
    if (!ok) {
      throw new MalformedMessageException(what);
    }
  }

  private Record record(JsonParser p, JsonToken t, byte[] data) throws IOException, MalformedMessageException {
    expect(t, JsonToken.START_OBJECT, "record");
    String ns = null;
    String key = null;
    byte[] value = null;
    boolean tomb = false;
    Version ver = null;
    Long exp = null;
    NodeId pub = null;
    byte[] sig = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "sig" -> sig = signature(text(p, v, field));
        case "ns" -> ns = name(text(p, v, field), field);
        case "key" -> key = name(text(p, v, field), field);
        case "val" -> value = rawValue(p, data);
        case "tomb" -> tomb = boolValue(v, field);
        case "ver" -> ver = versionValue(text(p, v, field));
        case "exp" -> exp = longValue(p, v, field);
        case "pub" -> pub = id(text(p, v, field), field);
        default -> p.skipChildren();
      }
    }
    if (ns == null || key == null || ver == null || exp == null || pub == null) {
      throw new MalformedMessageException("record needs ns, key, ver, exp, pub");
    }
    if (tomb == (value != null)) {
      throw new MalformedMessageException("a record has either val or tomb");
    }
    Record r = tomb ? Record.tombstone(ns, key, ver, exp, pub) : Record.value(ns, key, value, ver, exp, pub);
    return sig == null ? r : r.withSignature(sig);
  }

  private static byte[] signature(String text) throws MalformedMessageException {
    // 64 bytes are 88 base64 characters; checking the length first bounds the decoding.
    byte[] sig = null;
    if (text.length() == 88) {
      try {
        sig = java.util.Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        sig = null;
      }
    }
    if (sig == null || sig.length != RecordSigner.SIGNATURE_BYTES) {
      throw new MalformedMessageException("sig must be " + RecordSigner.SIGNATURE_BYTES + " bytes in base64");
    }
    return sig;
  }

  /**
   * The value's bytes exactly as the sender wrote them (the parser has checked they are JSON): no re-encoding, so
   * numbers keep their precision and the value is stored byte for byte.
   */
  private byte[] rawValue(JsonParser p, byte[] data) throws IOException, MalformedMessageException {
    long start = p.currentTokenLocation().getByteOffset();
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
    } else {
      p.finishToken(); // strings are parsed lazily; finish so the location is past the closing quote
    }
    long end = p.currentLocation().getByteOffset();
    if (start < 0 || end > data.length || end <= start) {
      throw new MalformedMessageException("cannot locate the value");
    }
    int size = (int) (end - start);
    if (size > maxValueBytes) {
      throw new MalformedMessageException("value of " + size + " bytes over the limit of " + maxValueBytes);
    }
    return java.util.Arrays.copyOfRange(data, (int) start, (int) end);
  }

  private static List<Contact> contacts(JsonParser p, JsonToken t, int max)
      throws IOException, MalformedMessageException {
    expect(t, JsonToken.START_ARRAY, "nodes");
    List<Contact> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      if (out.size() >= max) {
        throw new MalformedMessageException("more than " + max + " nodes");
      }
      NodeId id = null;
      List<Address> addrs = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "id" -> id = id(text(p, v, field), field);
          case "addrs" -> addrs = addresses(p, v, field);
          default -> p.skipChildren();
        }
      }
      if (id == null || addrs.isEmpty()) {
        throw new MalformedMessageException("a node needs id and addrs");
      }
      out.add(new Contact(id, addrs));
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new MalformedMessageException("nodes must be an array of objects");
    }
    return out;
  }

  private static List<Address> addresses(JsonParser p, JsonToken t, String field)
      throws IOException, MalformedMessageException {
    expect(t, JsonToken.START_ARRAY, field);
    List<Address> out = new ArrayList<>(2);
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      if (out.size() >= MAX_ADDRESSES) {
        throw new MalformedMessageException("more than " + MAX_ADDRESSES + " addresses");
      }
      String s = bounded(p.getText(), 256, field);
      try {
        out.add(Address.parse(s));
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("bad address in " + field + ": " + e.getMessage());
      }
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new MalformedMessageException(field + " must be an array of strings");
    }
    return List.copyOf(out);
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) throws MalformedMessageException {
    if (actual != expected) {
      throw new MalformedMessageException(what + ": expected " + expected + ", got " + actual);
    }
  }

  private static String text(JsonParser p, JsonToken t, String field) throws IOException, MalformedMessageException {
    expect(t, JsonToken.VALUE_STRING, field);
    return p.getText();
  }

  private static int intValue(JsonParser p, JsonToken t, String field) throws IOException, MalformedMessageException {
    expect(t, JsonToken.VALUE_NUMBER_INT, field);
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new MalformedMessageException(field + " out of range");
    }
    return p.getIntValue();
  }

  private static long longValue(JsonParser p, JsonToken t, String field) throws IOException, MalformedMessageException {
    expect(t, JsonToken.VALUE_NUMBER_INT, field);
    JsonParser.NumberType nt = p.getNumberType();
    if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
      throw new MalformedMessageException(field + " out of range");
    }
    return p.getLongValue();
  }

  private static boolean boolValue(JsonToken t, String field) throws MalformedMessageException {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw new MalformedMessageException(field + " must be a boolean");
  }

  private static MessageType enumValue(String s) throws MalformedMessageException {
    try {
      return MessageType.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("unknown message type '" + bounded(s, 32, "t") + "'");
    }
  }

  private static NodeId id(String s, String field) throws MalformedMessageException {
    try {
      return NodeId.fromHex(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(field + ": " + e.getMessage());
    }
  }

  private static Version versionValue(String s) throws MalformedMessageException {
    try {
      return Version.parse(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }

  private static String name(String s, String field) throws MalformedMessageException {
    return bounded(s, KademliaConfig.MAX_NAME_CHARS, field);
  }

  private static String bounded(String s, int max, String field) throws MalformedMessageException {
    if (s.length() > max) {
      throw new MalformedMessageException(field + " longer than " + max + " characters");
    }
    return s;
  }
}
