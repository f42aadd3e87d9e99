package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Version;
import dev.weft.schema.Global;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request on the DHT channel {@code schema} (anti-entropy, {@link AntiEntropy}), each with its answer. Wire forms
 * (docs/protocol.md, pinned by {@code SchemaWireTest}): {@code {"op": ..., <fields>}}. Answers are read as leniently as
 * the field reads they replace: a missing field reads as empty, 0 or false.
 */
sealed interface SyncRequest {
  ObjectNode toJson();

  /**
   * Reads a request from a peer.
   *
   * @throws IllegalArgumentException saying what is wrong (the plugin answers {@code bad schema request: <why>})
   */
  static SyncRequest fromJson(JsonNode body, int maxValueBytes) {
    String op = body.path("op").asText();
    return switch (op) {
      case DigestNotice.OP -> new DigestNotice(body.path("root").asText());
      case Buckets.OP -> new Buckets();
      case Pull.OP -> Pull.fromJson(body);
      case Push.OP -> Push.fromJson(body, maxValueBytes);
      default -> throw new IllegalArgumentException("unknown schema op '" + op + "'");
    };
  }

  private static ObjectNode op(String op) {
    return GlobalCodec.JSON.objectNode().put("op", op);
  }

  private static ArrayNode encode(List<Global> globals) {
    ArrayNode a = GlobalCodec.JSON.arrayNode();
    globals.forEach(g -> a.add(GlobalCodec.encode(g)));
    return a;
  }

  /**
   * {@code {"op":"digest","root"}}, one-way: sent every sync interval to one random contact; a receiver whose root
   * differs starts an exchange with the sender. Answered {@code {}}.
   *
   * @param root the sender's digest root (32 hex digits); empty when missing
   */
  record DigestNotice(String root) implements SyncRequest {
    static final String OP = "digest";

    @Override
    public ObjectNode toJson() {
      return op(OP).put("root", root);
    }
  }

  /** {@code {"op":"buckets"}}: the first request of an exchange, from the side that starts it. */
  record Buckets() implements SyncRequest {
    static final String OP = "buckets";

    @Override
    public ObjectNode toJson() {
      return op(OP);
    }

    /**
     * {@code {"root", "sums"}}: the answerer's digest root and its 64 bucket sums (base64 of big-endian longs).
     *
     * @param sums {@link Digest#BUCKETS} sums
     */
    record Answer(String root, long[] sums) {
      ObjectNode toJson() {
        ByteBuffer b = ByteBuffer.allocate(Digest.BUCKETS * 8);
        for (long s : sums) {
          b.putLong(s);
        }
        return GlobalCodec.JSON.objectNode().put("root", root)
            .put("sums", Base64.getEncoder().encodeToString(b.array()));
      }

      /**
       * Reads the answer from a peer.
       *
       * @throws IllegalArgumentException when the sums are not base64 of {@link Digest#BUCKETS} longs
       */
      static Answer fromJson(JsonNode json) {
        byte[] raw = Base64.getDecoder().decode(json.path("sums").asText());
        if (raw.length != Digest.BUCKETS * 8) {
          throw new IllegalArgumentException("bad bucket sums");
        }
        long[] sums = new long[Digest.BUCKETS];
        ByteBuffer.wrap(raw).asLongBuffer().get(sums);
        return new Answer(json.path("root").asText(), sums);
      }
    }
  }

  /**
   * {@code {"op":"pull","bk","have"}}: from the asker, for the buckets whose sums differ, in chunks of at most {@link
   * AntiEntropy#HAVE_NAMES} names; again for the next page while pages teach it something.
   *
   * @param buckets bucket numbers 0-63, ascending on the wire
   * @param have the asker's version of each global it holds in them, in the order sent
   */
  record Pull(Set<Integer> buckets, Map<String, Version> have) implements SyncRequest {
    static final String OP = "pull";

    @Override
    public ObjectNode toJson() {
      ObjectNode json = op(OP);
      ArrayNode bk = json.putArray("bk");
      buckets.stream().sorted().forEach(bk::add);
      ObjectNode h = json.putObject("have");
      have.forEach((name, v) -> h.put(name, v.toString()));
      return json;
    }

    private static Pull fromJson(JsonNode body) {
      Set<Integer> buckets = new HashSet<>();
      for (JsonNode b : body.path("bk")) {
        int i = b.asInt(-1);
        if (!b.isInt() || i < 0 || i >= Digest.BUCKETS) {
          throw new IllegalArgumentException("bad bucket " + b);
        }
        buckets.add(i);
      }
      JsonNode have = body.path("have");
      if (!have.isObject() || have.size() > 2 * AntiEntropy.HAVE_NAMES) {
        throw new IllegalArgumentException("bad have list");
      }
      Map<String, Version> theirs = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = have.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        theirs.put(GlobalCodec.checkName(e.getKey()), Version.parse(e.getValue().asText()));
      }
      return new Pull(buckets, theirs);
    }

    /**
     * {@code {"e", "want", "more"}}: the globals newer than the asker's (one page), the names the answerer wants
     * pushed, and whether another page is left.
     *
     * @param rejected entries the asker could not read (counted, skipped)
     */
    record Answer(List<Global> entries, List<String> want, boolean more, int rejected) {
      ObjectNode toJson() {
        ObjectNode json = GlobalCodec.JSON.objectNode();
        json.set("e", encode(entries));
        ArrayNode w = json.putArray("want");
        want.forEach(w::add);
        return json.put("more", more);
      }

      static Answer fromJson(JsonNode json, int maxValueBytes) {
        List<Global> entries = new ArrayList<>();
        int rejected = 0;
        for (JsonNode e : json.path("e")) {
          try {
            entries.add(GlobalCodec.decode(e, maxValueBytes));
          } catch (IllegalArgumentException ex) {
            rejected++;
          }
        }
        List<String> want = new ArrayList<>();
        json.path("want").forEach(n -> want.add(n.asText()));
        return new Answer(entries, want, json.path("more").asBoolean(false), rejected);
      }
    }
  }

  /**
   * {@code {"op":"push","e"}}: from the asker, the globals the first pull's answer wanted, in pages. Answered {@code
   * {"applied": n}}.
   *
   * @param malformed why the entry after {@code globals} could not be read (the rest were not); null when all were:
   *     the receiver applies the globals before a malformed one, then refuses
   */
  record Push(List<Global> globals, String malformed) implements SyncRequest {
    static final String OP = "push";

    Push(List<Global> globals) {
      this(globals, null);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = op(OP);
      json.set("e", encode(globals));
      return json;
    }

    private static Push fromJson(JsonNode body, int maxValueBytes) {
      List<Global> globals = new ArrayList<>();
      for (JsonNode e : body.path("e")) {
        try {
          globals.add(GlobalCodec.decode(e, maxValueBytes));
        } catch (IllegalArgumentException ex) {
          return new Push(globals, ex.getMessage());
        }
      }
      return new Push(globals, null);
    }

    /** Reads {@code {"applied": n}}: how many globals the receiver took (0 when missing). */
    static int applied(JsonNode answer) {
      return answer.path("applied").asInt(0);
    }

    static ObjectNode answer(int applied) {
      return GlobalCodec.JSON.objectNode().put("applied", applied);
    }
  }
}
