package dev.weft.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts values on the client before they leave it (AES-GCM, a key the user holds), for data that must not be
 * public: replicas, relays and anyone reading the network see only the sealed form. The namespace and key are bound in
 * as associated data, so a replica cannot move a sealed value under another key unnoticed; the versions, namespace and
 * key themselves stay visible (they route the object).
 *
 * <pre>{@code
 * ValueCipher cipher = ValueCipher.of(key);                         // 16, 24 or 32 bytes, kept by the user
 * storage.put("notes", "n1", cipher.seal("notes", "n1", value));
 * JsonNode back = cipher.open("notes", "n1", storage.get("notes", "n1").join().orElseThrow().value());
 * }</pre>
 *
 * <p>Sealed form: {@code {"weft-sealed":1,"alg":"A256GCM","iv":"<12 bytes, base64>","ct":"<ciphertext and 16-byte tag,
 * base64>"}}, the plaintext being the value's JSON text (numbers exactly as given). weft.js reads and writes the same
 * form with WebCrypto. Thread-safe.
 */
public final class ValueCipher {
  private static final String MARK = "weft-sealed";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  static final int PBKDF2_ITERATIONS = 600_000;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final SecretKeySpec key;
  private final String alg;
  private final SecureRandom random = new SecureRandom();

  private ValueCipher(byte[] key) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    this.alg = "A" + key.length * 8 + "GCM";
  }

  /** A cipher with {@code key} (16, 24 or 32 bytes; copied). */
  public static ValueCipher of(byte[] key) {
    return new ValueCipher(Objects.requireNonNull(key, "key"));
  }

  /** A fresh random 256-bit key, to be kept by the user. */
  public static byte[] newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /**
   * A cipher whose 256-bit key is derived from a passphrase with PBKDF2-HMAC-SHA256 ({@value #PBKDF2_ITERATIONS}
   * iterations); the same passphrase and salt give the same key. The salt need not be secret; use one per user or
   * application, at least 16 bytes.
   */
  public static ValueCipher fromPassphrase(char[] passphrase, byte[] salt) {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(salt, "salt");
    if (salt.length < 16) {
      throw new IllegalArgumentException("use a salt of at least 16 bytes, got " + salt.length);
    }
    PBEKeySpec spec = new PBEKeySpec(passphrase, salt, PBKDF2_ITERATIONS, 256);
    try {
      byte[] k = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      try {
        return new ValueCipher(k);
      } finally {
        Arrays.fill(k, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java runtime", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** Whether {@code value} has the sealed form (says nothing of who can open it). */
  public static boolean isSealed(JsonNode value) {
    return value != null && value.isObject() && value.path(MARK).asInt() == 1 && value.path("iv").isTextual()
        && value.path("ct").isTextual() && value.path("alg").isTextual();
  }

  /** {@code value} encrypted for {@code (namespace, key)}, with a fresh random IV. */
  public JsonNode seal(String namespace, String key, JsonNode value) {
    Objects.requireNonNull(value, "value");
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, iv, namespace, key);
      byte[] ct = c.doFinal(JSON.writeValueAsBytes(value));
      ObjectNode sealed = JsonNodeFactory.instance.objectNode();
      sealed.put(MARK, 1).put("alg", alg).put("iv", Base64.getEncoder().encodeToString(iv))
          .put("ct", Base64.getEncoder().encodeToString(ct));
      return sealed;
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a value: " + e.getMessage(), e);
    }
  }

  /**
   * The value sealed for {@code (namespace, key)}.
   *
   * @throws WeftException when {@code sealed} is not a sealed value, was sealed with another key or algorithm, for
   *     another namespace or key, or was altered
   */
  public JsonNode open(String namespace, String key, JsonNode sealed) {
    if (!isSealed(sealed)) {
      throw new WeftException("not a sealed value (expected {\"" + MARK + "\":1,\"alg\",\"iv\",\"ct\"})");
    }
    if (!sealed.path("alg").asText().equals(alg)) {
      throw new WeftException("sealed with " + sealed.path("alg").asText() + ", this cipher is " + alg);
    }
    byte[] iv;
    byte[] ct;
    try {
      iv = Base64.getDecoder().decode(sealed.path("iv").asText());
      ct = Base64.getDecoder().decode(sealed.path("ct").asText());
    } catch (IllegalArgumentException e) {
      throw new WeftException("sealed value is not valid base64", e);
    }
    if (iv.length != IV_BYTES || ct.length < TAG_BITS / 8) {
      throw new WeftException("sealed value has a bad iv or ciphertext length");
    }
    try {
      byte[] plain = cipher(Cipher.DECRYPT_MODE, iv, namespace, key).doFinal(ct);
      return JSON.readTree(plain);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new WeftException("cannot open the value: wrong key, another namespace/key, or altered", e);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new WeftException("cannot open the value: " + e.getMessage(), e);
    }
  }

  private Cipher cipher(int mode, byte[] iv, String namespace, String key) throws GeneralSecurityException {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, this.key, new GCMParameterSpec(TAG_BITS, iv));
    c.updateAAD(LengthPrefixed.of(namespace, key));
    return c;
  }
}
