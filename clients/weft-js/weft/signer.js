// Owned namespaces: records signed in the page with an Ed25519 key, as the Java RecordSigner signs them.

import { WeftError } from "./errors.js";
import { fromBase64Url, lengthPrefixed, subtle, toBase64, toBase64Url, UTF8 } from "./bytes.js";

const RECORD_DOMAIN = "weft-record-v1"; // as dev.weft.api.RecordSigner

/**
 * The bytes an owner signs, exactly as the Java dev.weft.api.RecordSigner builds them: domain, namespace, key (each
 * after its UTF-8 length as a 4-byte big-endian integer), version timestamp and writer, expiry (8 bytes each), the
 * tombstone flag (1 byte), the value's JSON text (after its length).
 */
function signedBytes(namespace, key, version, expires, valueText) {
  const head = lengthPrefixed([RECORD_DOMAIN, namespace, key]);
  const value = valueText === null ? new Uint8Array(0) : UTF8.encode(valueText);
  const [ts, writer] = version.split("-");
  const out = new Uint8Array(head.length + 25 + 4 + value.length);
  const view = new DataView(out.buffer);
  out.set(head, 0);
  const at = head.length;
  view.setBigUint64(at, BigInt("0x" + ts));
  view.setBigUint64(at + 8, BigInt("0x" + writer));
  view.setBigInt64(at + 16, BigInt(expires));
  out[at + 24] = valueText === null ? 1 : 0;
  view.setUint32(at + 25, value.length);
  out.set(value, at + 29);
  return out;
}

/**
 * The key of owned namespaces (Ed25519, WebCrypto), as the Java dev.weft.api.RecordSigner: namespace() is
 * "@<public key, base64url>", namespace(name) "@<public key>/<name>", and only records this key signed are stored
 * and read there. The private key stays in the page: save privateKey() (PKCS#8) where the user keeps secrets.
 *
 *   const owner = await RecordSigner.generate();
 *   await node.putSigned(owner, "notes", "n1", { text: "only I can change this" });
 *   const back = await node.get(owner.namespace("notes"), "n1");   // {…, owner: "<public key>"}
 */
export class RecordSigner {
  constructor(privateKey, publicKey) {
    this._key = privateKey;
    this._public = publicKey;
    this._encoded = toBase64Url(publicKey);
    this._writer = Array.from(publicKey.slice(0, 8), b => b.toString(16).padStart(2, "0")).join("");
  }

  /** A new key pair. */
  static async generate() {
    const pair = await subtle().generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    return new RecordSigner(pair.privateKey, new Uint8Array(await subtle().exportKey("raw", pair.publicKey)));
  }

  /** The signer of a saved private key (PKCS#8 bytes, a Uint8Array, as privateKey() or `weft keygen --signing`). */
  static async fromPrivateKey(pkcs8) {
    let key;
    try {
      key = await subtle().importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
    } catch (e) {
      throw new WeftError("bad-request", "not an Ed25519 private key in PKCS#8 form");
    }
    // The private key's JWK carries its public half (x).
    const jwk = await subtle().exportKey("jwk", key);
    return new RecordSigner(key, fromBase64Url(jwk.x));
  }

  /** The private key in PKCS#8 form (a Uint8Array), to save. */
  async privateKey() {
    return new Uint8Array(await subtle().exportKey("pkcs8", this._key));
  }

  /** The raw 32-byte public key (a copy). */
  publicKey() {
    return this._public.slice();
  }

  /** "@<public key>", or "@<public key>/<name>". */
  namespace(name) {
    return name === undefined ? "@" + this._encoded : "@" + this._encoded + "/" + name;
  }

  /** Whether namespace is one of this key's. */
  owns(namespace) {
    return namespace === this.namespace() || String(namespace).startsWith(this.namespace() + "/");
  }

  /** name itself when it is one of this key's namespaces, else namespace(name); another key's fails. */
  ownedNamespace(name) {
    if (this.owns(name)) {
      return name;
    }
    if (String(name).startsWith("@")) {
      throw new WeftError("bad-request", "namespace " + name + " is not owned by this key (its namespaces are "
        + this.namespace() + " and " + this.namespace() + "/<name>)");
    }
    return this.namespace(name);
  }

  /** The signature (base64) of a record; valueText is the value's JSON text, or null for a tombstone. */
  async sign(namespace, key, version, expires, valueText) {
    if (!this.owns(namespace)) {
      throw new WeftError("bad-request", "namespace " + namespace + " is not owned by this key");
    }
    const sig = await subtle().sign({ name: "Ed25519" }, this._key,
      signedBytes(namespace, key, version, expires, valueText));
    return toBase64(new Uint8Array(sig));
  }
}
