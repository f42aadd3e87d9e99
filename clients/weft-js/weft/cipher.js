// Client-side encryption: values sealed in the page before they leave it, in the Java ValueCipher's form.

import { WeftError } from "./errors.js";
import { fromBase64, lengthPrefixed, subtle, toBase64, UTF8 } from "./bytes.js";

const SEALED_MARK = "weft-sealed";
const PBKDF2_ITERATIONS = 600000; // as dev.weft.api.ValueCipher

/** The associated data of a sealed value: its namespace and key. */
function associatedData(namespace, key) {
  return lengthPrefixed([namespace, key]);
}

/**
 * Encrypts values in the page before they leave it (AES-GCM with a key the user holds), in the same sealed form as
 * the Java dev.weft.api.ValueCipher: {"weft-sealed":1, "alg":"A256GCM", "iv":<base64>, "ct":<base64>}, the namespace
 * and key bound in as associated data. Nodes, replicas and relays see only that form. Either side opens what the
 * other sealed.
 *
 *   const cipher = await ValueCipher.fromPassphrase("correct horse", "app salt, 16+ bytes");
 *   await node.put("diary", "d1", await cipher.seal("diary", "d1", { text: "secret" }));
 *   const back = await cipher.open("diary", "d1", (await node.get("diary", "d1")).value);
 */
export class ValueCipher {
  constructor(cryptoKey, bits) {
    this._key = cryptoKey;
    this.alg = "A" + bits + "GCM";
  }

  /** A cipher with a raw AES key of 16, 24 or 32 bytes (a Uint8Array). */
  static async fromKey(bytes) {
    if (!(bytes instanceof Uint8Array) || ![16, 24, 32].includes(bytes.length)) {
      throw new WeftError("bad-request", "an AES key is a Uint8Array of 16, 24 or 32 bytes");
    }
    const key = await subtle().importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
    return new ValueCipher(key, bytes.length * 8);
  }

  /** A fresh random 256-bit key (a Uint8Array), to be kept by the user. */
  static newKey() {
    const k = new Uint8Array(32);
    crypto.getRandomValues(k);
    return k;
  }

  /**
   * A cipher whose 256-bit key is derived with PBKDF2-HMAC-SHA256 (600,000 iterations) from a passphrase and a salt
   * (a string, taken as UTF-8, or a Uint8Array; at least 16 bytes): the same as the Java side derives.
   */
  static async fromPassphrase(passphrase, salt) {
    const saltBytes = salt instanceof Uint8Array ? salt : UTF8.encode(String(salt));
    if (saltBytes.length < 16) {
      throw new WeftError("bad-request", "use a salt of at least 16 bytes, got " + saltBytes.length);
    }
    const base = await subtle().importKey("raw", UTF8.encode(String(passphrase)), "PBKDF2", false, ["deriveKey"]);
    const key = await subtle().deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: saltBytes, iterations: PBKDF2_ITERATIONS },
      base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    return new ValueCipher(key, 256);
  }

  /** Whether value has the sealed form (says nothing of who can open it). */
  static isSealed(value) {
    return value !== null && typeof value === "object" && value[SEALED_MARK] === 1 && typeof value.iv === "string"
      && typeof value.ct === "string" && typeof value.alg === "string";
  }

  /** value (anything JSON can hold) sealed for (namespace, key), with a fresh random IV. */
  async seal(namespace, key, value) {
    const iv = new Uint8Array(12);
    crypto.getRandomValues(iv);
    const ct = await subtle().encrypt({ name: "AES-GCM", iv, additionalData: associatedData(namespace, key),
      tagLength: 128 }, this._key, UTF8.encode(JSON.stringify(value)));
    return { [SEALED_MARK]: 1, alg: this.alg, iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
  }

  /**
   * The value sealed for (namespace, key). Fails with code "bad-request" when sealed is not a sealed value, was sealed
   * with another key or for another namespace or key, or was altered.
   */
  async open(namespace, key, sealed) {
    if (!ValueCipher.isSealed(sealed)) {
      throw new WeftError("bad-request", 'not a sealed value (expected {"weft-sealed":1,"alg","iv","ct"})');
    }
    if (sealed.alg !== this.alg) {
      throw new WeftError("bad-request", "sealed with " + sealed.alg + ", this cipher is " + this.alg);
    }
    let iv;
    let ct;
    try {
      iv = fromBase64(sealed.iv);
      ct = fromBase64(sealed.ct);
    } catch (e) {
      throw new WeftError("bad-request", "sealed value is not valid base64");
    }
    if (iv.length !== 12 || ct.length < 16) {
      throw new WeftError("bad-request", "sealed value has a bad iv or ciphertext length");
    }
    let plain;
    try {
      plain = await subtle().decrypt({ name: "AES-GCM", iv, additionalData: associatedData(namespace, key),
        tagLength: 128 }, this._key, ct);
    } catch (e) {
      throw new WeftError("bad-request", "cannot open the value: wrong key, another namespace/key, or altered");
    }
    return JSON.parse(new TextDecoder().decode(plain));
  }
}
