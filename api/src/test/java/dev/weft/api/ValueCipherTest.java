package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ValueCipherTest {
  private static final ObjectMapper EXACT = JsonMapper.builder()
      .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final byte[] key = new byte[32];

  @Test
  void sealsAndOpensAnyValueExactly() throws Exception {
    ValueCipher c = ValueCipher.of(key);
    for (String text : new String[] {"\"secret\"", "{\"a\":[1,2.50,{\"b\":null}],\"c\":true}",
        "0.10000000000000000001", "123456789012345678901234567890", "[]"}) {
      JsonNode value = EXACT.readTree(text);
      JsonNode sealed = c.seal("ns", "k", value);
      assertThat(ValueCipher.isSealed(sealed)).isTrue();
      assertThat(sealed.toString()).doesNotContain(text.length() > 4 ? text.substring(1, text.length() - 1) : "\u0000");
      assertThat(EXACT.writeValueAsString(c.open("ns", "k", sealed))).isEqualTo(text);
    }
    // A fresh IV each time: the same value seals differently.
    JsonNode v = JsonNodeFactory.instance.textNode("same");
    assertThat(c.seal("ns", "k", v)).isNotEqualTo(c.seal("ns", "k", v));
  }

  @Test
  void refusesWrongKeysOtherPlacesAlterationsAndPlainValues() {
    ValueCipher c = ValueCipher.of(key);
    JsonNode sealed = c.seal("ns", "k", JsonNodeFactory.instance.textNode("v"));
    byte[] other = key.clone();
    other[0] = 1;
    assertThatThrownBy(() -> ValueCipher.of(other).open("ns", "k", sealed)).isInstanceOf(WeftException.class)
        .hasMessageContaining("wrong key");
    assertThatThrownBy(() -> c.open("ns", "k2", sealed)).hasMessageContaining("another namespace/key");
    assertThatThrownBy(() -> c.open("n", "sk", c.seal("ns", "k", JsonNodeFactory.instance.nullNode())))
        .hasMessageContaining("another namespace/key");
    ObjectNode altered = sealed.deepCopy();
    byte[] ct = Base64.getDecoder().decode(altered.path("ct").asText());
    ct[0] ^= 1;
    altered.put("ct", Base64.getEncoder().encodeToString(ct));
    assertThatThrownBy(() -> c.open("ns", "k", altered)).hasMessageContaining("altered");
    assertThatThrownBy(() -> c.open("ns", "k", JsonNodeFactory.instance.textNode("plain")))
        .hasMessageContaining("not a sealed value");
    ObjectNode badIv = sealed.deepCopy();
    badIv.put("iv", "AAAA");
    assertThatThrownBy(() -> c.open("ns", "k", badIv)).hasMessageContaining("bad iv");
    assertThatThrownBy(() -> ValueCipher.of(new byte[16]).open("ns", "k", sealed)).hasMessageContaining("A256GCM");
    assertThatThrownBy(() -> ValueCipher.of(new byte[15])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPassphraseAndSaltAlwaysGiveTheSameKey() {
    byte[] salt = "weft-test-salt-16".getBytes(StandardCharsets.UTF_8);
    JsonNode sealed = ValueCipher.fromPassphrase("correct horse".toCharArray(), salt)
        .seal("ns", "k", JsonNodeFactory.instance.numberNode(42));
    assertThat(ValueCipher.fromPassphrase("correct horse".toCharArray(), salt).open("ns", "k", sealed).asInt())
        .isEqualTo(42);
    assertThatThrownBy(() -> ValueCipher.fromPassphrase("wrong horse".toCharArray(), salt).open("ns", "k", sealed))
        .hasMessageContaining("wrong key");
    assertThatThrownBy(() -> ValueCipher.fromPassphrase("x".toCharArray(), new byte[8]))
        .hasMessageContaining("16 bytes");
  }
}
