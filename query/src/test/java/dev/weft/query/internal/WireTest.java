package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scan messages survive the trip as JSON, and malformed new fields are refused by name. */
class WireTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String Q = "0123456789abcdef0123456789abcdef";

  @Test
  void scansAndPagesRoundTrip() throws Exception {
    Random r = new Random(6);
    NodeId a = NodeId.random(r);
    NodeId b = NodeId.random(r);
    Wire.Scan scan = new Wire.Scan(Q, new Contact(a, List.of(Address.parse("udp://127.0.0.1:4000"))), 160, 5000,
        List.of(b), List.of(a), JsonNodeFactory.instance.objectNode().put("v", 1), false, 0);
    Wire.Scan back = Wire.Scan.fromJson(JSON.readTree(scan.toJson().toString()));
    assertThat(back.unsettled()).containsExactly(a);
    assertThat(back.exclude()).containsExactly(b);
    assertThat(back.merge()).isFalse();
    Wire.Scan merging = Wire.Scan.fromJson(JSON.readTree(new Wire.Scan(Q, scan.origin(), 160, 5000, List.of(),
        List.of(), scan.spec(), true, 1000).below(7, 4000).toJson().toString()));
    assertThat(merging.merge()).isTrue();
    assertThat(merging.maxGroups()).isEqualTo(1000);
    assertThat(merging.limit()).isEqualTo(7);
    assertThat(merging.timeoutMs()).isEqualTo(4000);

    ArrayNode contested = JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.arrayNode().add("[1]"));
    Wire.Rows page = new Wire.Rows(Q, a, 3, JsonNodeFactory.instance.arrayNode(), contested,
        new Wire.End(List.of(b), 1, Map.of(b, 42L), 1000, 500, ""));
    Wire.Rows rows = Wire.Rows.fromJson(JSON.readTree(page.toJson().toString()));
    assertThat(rows.contested()).isEqualTo(contested);
    assertThat(rows.end()).isEqualTo(page.end());

    JsonNode plain = JSON.readTree(new Wire.Rows(Q, a, 0, JsonNodeFactory.instance.arrayNode(),
        JsonNodeFactory.instance.arrayNode(), new Wire.End(List.of(), 0, Map.of(), 0, 0, "")).toJson().toString());
    assertThat(plain.has("since")).as("a settled node says nothing about joining").isFalse();
    assertThat(Wire.Rows.fromJson(plain).end().since()).isZero();
  }

  @Test
  void aMergedAccountRoundTrips() throws Exception {
    Random r = new Random(8);
    NodeId a = NodeId.random(r);
    NodeId b = NodeId.random(r);
    Wire.Subtree listed = new Wire.Subtree(5, 4, List.of(new Wire.Member(a, new Settling.State(1000, 20)),
        new Wire.Member(b, Settling.State.SETTLED)), List.of(b), Map.of(a, new Settling.State(1000, 20)), 2);
    Wire.End end = new Wire.End(List.of(), 1, Map.of(b, 7L), 0, 0, "", listed);
    Wire.Rows page = Wire.Rows.fromJson(JSON.readTree(new Wire.Rows(Q, a, 2, JsonNodeFactory.instance.arrayNode(),
        JsonNodeFactory.instance.arrayNode(), end).toJson("part").toString()));
    assertThat(page.end()).isEqualTo(end);
    Wire.Subtree many = new Wire.Subtree(500, 500, null, List.of(), Map.of(), 0);
    assertThat(Wire.Subtree.fromJson(JSON.readTree(many.toJson().toString()))).isEqualTo(many);
    assertThatThrownBy(() -> Wire.Subtree.fromJson(JSON.readTree("{\"nodes\":1,\"answered\":2,\"silent\":[],"
        + "\"flagged\":[],\"unchecked\":0}"))).hasMessageContaining("answered");
    assertThatThrownBy(() -> Wire.Subtree.fromJson(JSON.readTree("{\"nodes\":1,\"answered\":1,\"silent\":[],"
        + "\"flagged\":[[\"" + a.toHex() + "\", 1]],\"unchecked\":0}"))).hasMessageContaining("flagged");
  }

  @Test
  void malformedDeferralsAreRefused() throws Exception {
    String id = NodeId.random(new Random(7)).toHex();
    String base = "{\"t\":\"rows\",\"q\":\"" + Q + "\",\"from\":\"" + id + "\",\"seq\":0,\"rows\":[],\"last\":true,"
        + "\"children\":[],\"unreachable\":0,";
    assertThatThrownBy(() -> Wire.Rows.fromJson(JSON.readTree(base + "\"deferred\":[\"" + id + "\"]}")))
        .hasMessageContaining("deferred");
    assertThatThrownBy(() -> Wire.Rows.fromJson(JSON.readTree(base + "\"deferred\":[[\"" + id + "\", -1]]}")))
        .hasMessageContaining("deferred");
    assertThatThrownBy(() -> Wire.Rows.fromJson(JSON.readTree(base + "\"deferred\":[],\"since\":\"x\"}")))
        .hasMessageContaining("since");
  }

  @Test
  void aJoinsWalksAndBatchesRoundTripAndBadOnesAreRefusedByName() throws Exception {
    Random r = new Random(9);
    NodeId a = NodeId.random(r);
    Contact origin = new Contact(a, List.of(Address.parse("udp://127.0.0.1:4000")));
    Wire.Scan rehash = new Wire.Scan(Q, origin, 160, 5000, List.of(), List.of(), JsonNodeFactory.instance.objectNode(),
        false, 1, new Wire.JoinStep.Rehash(Q, List.of(0, 2)));
    Wire.Scan back = Wire.Scan.fromJson(JSON.readTree(rehash.below(3, 100).toJson().toString()));
    assertThat(back.join()).isEqualTo(rehash.join());
    Wire.Scan probe = new Wire.Scan(Q, origin, 160, 5000, List.of(), List.of(), JsonNodeFactory.instance.objectNode(),
        false, 1, new Wire.JoinStep.Probe(Q, Q.replace('0', 'f'), Q.replace('1', 'e')));
    assertThat(Wire.Scan.fromJson(JSON.readTree(probe.toJson().toString())).join()).isEqualTo(probe.join());

    String scan = rehash.toJson().toString();
    assertThatThrownBy(() -> Wire.Scan.fromJson(JSON.readTree(scan.replace("\"rehash\":\"" + Q, "\"rehash\":\"x"))))
        .hasMessageContaining("rehash must be 32 lower-case hex digits");
    assertThatThrownBy(() -> Wire.Scan.fromJson(JSON.readTree(scan.replace("[0,2]", "[]"))))
        .hasMessageContaining("1 to 64 key columns");
    assertThatThrownBy(() -> Wire.Scan.fromJson(JSON.readTree(probe.toJson().toString().replace("\"probe\":[",
        "\"probe\":[1,")))).hasMessageContaining("join: must hold");
    assertThatThrownBy(() -> Wire.Scan.fromJson(JSON.readTree(probe.toJson().toString().replace("\"rows\":",
        "\"rowz\":")))).hasMessageContaining("rows must be 32 lower-case hex digits");

    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    rows.addArray().add("[1]").add(JsonNodeFactory.instance.arrayNode().add("k").add(new dev.weft.api.Version(5, 1)
        .toString()).add(JsonNodeFactory.instance.arrayNode().add(1)));
    String batch = new Rehashing.Batch(Q, Q, a, 4, 1, 1000, rows).toJson().toString();
    Rehashing.Batch b = Rehashing.Batch.fromJson(JSON.readTree(batch));
    assertThat(b.seq()).isEqualTo(4);
    assertThat(b.rows()).isEqualTo(rows);
    assertThatThrownBy(() -> Rehashing.Batch.fromJson(JSON.readTree(batch.replace("\"hops\":1", "\"hops\":99"))))
        .hasMessageContaining("hops must be 0..32");
    assertThatThrownBy(() -> Rehashing.Batch.fromJson(JSON.readTree(batch.replace("[\"[1]\",[\"k\"", "[[\"k\""))))
        .hasMessageContaining("each row must be [joinKey, [key, version, values]]");
    assertThatThrownBy(() -> Rehashing.Batch.fromJson(JSON.readTree(batch.replace("\"ttlMs\":1000",
        "\"ttlMs\":0")))).hasMessageContaining("ttlMs must be 1..3600000");
  }
}
