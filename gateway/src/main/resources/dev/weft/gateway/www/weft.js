// weft.js: the browser client of a weft node's gateway. A dependency-free ES module, served by every node that
// listens on ws://host:port at /weft.js. Protocol and limits: docs/browser.md.
//
//   import { connect } from "/weft.js";
//   const node = await connect();                 // the page's own node, ws(s)://<page host>/client
//   await node.put("notes", "n1", { text: "hi" });
//   node.onMessage(m => console.log(m.sender, m.message));
//
// Every method returns a promise; a failure is a WeftError whose .code is one of bad-request, not-found, conflict,
// too-large, rate-limited, unsupported, unavailable, internal, or closed (the connection is gone). There is no
// automatic reconnection: watch node.closed (or onClose) and connect again; ask for the same id to stay reachable
// under it.

const ID_KEY = "weft.id";
const HEX_ID = /^[0-9a-fA-F]{40}$/;

/** Close codes of the gateway (4000 + an HTTP status), and Jetty's, as error codes. */
const CLOSE_CODES = {
  1001: "unavailable", // the server stops
  1009: "too-large", // a frame far over the limit
  1011: "internal",
  4400: "bad-request", // an invalid id
  4409: "conflict", // the id is connected already
  4413: "too-large", // a frame over the limit
  4415: "bad-request", // a binary frame, or one that is not JSON
  4429: "rate-limited", // flooding, or not reading its answers
  4503: "unavailable", // the node is full, could not store the client's presence, or stops
};

/** An error of weft: a request the node refused or could not serve, or a connection that ended. */
export class WeftError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "WeftError";
    this.code = code;
  }
}

function defaultUrl() {
  if (typeof location === "undefined" || !location.host) {
    throw new WeftError("bad-request", "connect() needs a URL such as ws://127.0.0.1:4000/client outside a page");
  }
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/client";
}

function randomId() {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
}

function storage() {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch (e) {
    return null; // storage disabled for this page
  }
}

/**
 * The id to ask for: options.id; else the page's ?id=<40 hex> (kept in localStorage for later visits); else, with
 * options.stable, the id kept in localStorage (a new one the first time); else none, and the node picks a random one.
 */
function chooseId(options) {
  if (options.id !== undefined) {
    return options.id;
  }
  const fromPage = typeof location === "undefined" ? null : new URLSearchParams(location.search).get("id");
  const store = storage();
  if (fromPage) {
    if (HEX_ID.test(fromPage) && store) {
      store.setItem(ID_KEY, fromPage.toLowerCase());
    }
    return fromPage;
  }
  if (options.stable) {
    let saved = store && store.getItem(ID_KEY);
    if (!saved || !HEX_ID.test(saved)) {
      saved = randomId();
      if (store) {
        store.setItem(ID_KEY, saved);
      }
    }
    return saved;
  }
  return undefined;
}

/**
 * Connects to a node's gateway.
 *
 * @param {string} [url] ws://host:port/client; default: the node that served the page
 * @param {{id?: string, stable?: boolean}} [options] the id to connect as (see chooseId)
 * @returns {Promise<WeftNode>} once the node said hello; a WeftError when it refused (e.g. code "conflict" when the
 *     id is connected already)
 */
export function connect(url, options = {}) {
  if (url !== null && typeof url === "object") {
    options = url;
    url = undefined;
  }
  let target;
  let id;
  try {
    id = chooseId(options);
    if (id !== undefined && !HEX_ID.test(id)) {
      throw new WeftError("bad-request", "an id is 40 hex digits, not '" + id + "'");
    }
    target = new URL(url || defaultUrl(), typeof location === "undefined" ? undefined : location.href);
  } catch (e) {
    return Promise.reject(e instanceof WeftError ? e : new WeftError("bad-request", String(e.message || e)));
  }
  if (id !== undefined) {
    target.searchParams.set("id", id.toLowerCase());
  }
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.href);
    let node = null;
    // Events the node sent around its hello are held until the caller's await has run, so that the handlers it
    // registers at once see them, and then handed over in order.
    let early = [];
    ws.onmessage = event => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        ws.close(1002, "not JSON");
        return;
      }
      if (early === null) {
        node._frame(frame);
      } else if (node === null && frame.t === "hello") {
        node = new WeftNode(ws, frame);
        resolve(node);
        setTimeout(() => {
          const held = early;
          early = null;
          held.forEach(f => node._frame(f));
        }, 0);
      } else {
        early.push(frame);
      }
    };
    ws.onclose = event => {
      if (node === null) {
        reject(new WeftError(CLOSE_CODES[event.code] || "unavailable",
          event.reason || "could not connect to " + target.href + " (code " + event.code + ")"));
      } else {
        node._closedWith(event.code, event.reason);
      }
    };
  });
}

/** A connection to a node, with the same operations as a Java Node for each module the node has (node.modules). */
export class WeftNode {
  constructor(ws, hello) {
    /** This client's own id: other nodes reach it with sendNode(id, ...). */
    this.id = hello.id;
    /** The id of the node it is connected through (its super-node). */
    this.node = hello.node;
    /** The modules the node offers: storage, and messaging, schema, pht when it runs them. */
    this.modules = hello.modules;
    /** The node's limits for this connection. */
    this.limits = hello.limits;
    this._ws = ws;
    this._nextRid = 1;
    this._pending = new Map();
    this._messageHandlers = new Map(); // channel -> Set of handlers
    this._globalHandlers = new Map(); // "*" or name -> Set of handlers
    this._closeHandlers = new Set();
    this._closeInfo = null;
    /** Resolves with {code, reason} when the connection has ended. */
    this.closed = new Promise(resolve => {
      this._resolveClosed = resolve;
    });
    /** Index operations (when node.modules includes "pht"). Keys: integers, strings, or [x, y] points. */
    this.pht = {
      create: (index, type, options = {}) => this._request("pht.create", { index, type, ...options }),
      insert: (index, key, value) => this._request("pht.insert", { index, key, value }).then(r => r.added),
      remove: (index, key, value) =>
        this._request("pht.remove", value === undefined ? { index, key } : { index, key, value }).then(r => r.removed),
      lookup: (index, key) => this._request("pht.lookup", { index, key }).then(r => r.values),
      range: (index, lo, hi, options = {}) => this._request("pht.range", { index, lo, hi, ...options }),
      rect: (index, lo, hi, options = {}) => this._request("pht.rect", { index, lo, hi, ...options }),
    };
  }

  _request(op, args = {}) {
    if (this._closeInfo !== null) {
      return Promise.reject(new WeftError("closed", "the connection is closed: " + this._closeInfo.reason));
    }
    const rid = this._nextRid++;
    return new Promise((resolve, reject) => {
      this._pending.set(rid, { resolve, reject });
      this._ws.send(JSON.stringify({ t: "req", rid, op, ...args }));
    });
  }

  _frame(frame) {
    if (frame.t === "res") {
      const p = this._pending.get(frame.rid);
      if (p) {
        this._pending.delete(frame.rid);
        if (frame.ok) {
          p.resolve(frame.result);
        } else {
          p.reject(new WeftError(frame.error.code, frame.error.message));
        }
      }
    } else if (frame.t === "msg") {
      const message = {
        kind: frame.kind, id: frame.id, sender: frame.sender, channel: frame.channel, message: frame.message,
      };
      for (const handler of this._messageHandlers.get(frame.channel) || []) {
        safely(handler, message);
      }
    } else if (frame.t === "global") {
      const global = { name: frame.name, value: frame.value, removed: frame.removed === true, version: frame.version };
      for (const key of ["*", frame.name]) {
        for (const handler of this._globalHandlers.get(key) || []) {
          safely(handler, global);
        }
      }
    }
  }

  _closedWith(code, reason) {
    if (this._closeInfo !== null) {
      return;
    }
    this._closeInfo = { code, reason: reason || "closed (code " + code + ")" };
    const error = new WeftError(code === 1000 ? "closed" : CLOSE_CODES[code] || "closed", this._closeInfo.reason);
    for (const p of this._pending.values()) {
      p.reject(error);
    }
    this._pending.clear();
    for (const handler of this._closeHandlers) {
      safely(handler, this._closeInfo);
    }
    this._resolveClosed(this._closeInfo);
  }

  /** {id, node, modules, limits} as the node sees this client. */
  info() {
    return this._request("info");
  }

  // Storage ------------------------------------------------------------------------------------------------------

  /** Stores value under (namespace, key); ttlSeconds is optional. Resolves {version, acknowledged, attempted}. */
  put(namespace, key, value, ttlSeconds) {
    return this._request("put", { namespace, key, value, ttl: ttlSeconds });
  }

  /** Resolves {namespace, key, value, version}, or null when nothing is stored under (namespace, key). */
  get(namespace, key) {
    return this._request("get", { namespace, key });
  }

  /** Deletes (namespace, key). Resolves {version, acknowledged, attempted}. */
  delete(namespace, key) {
    return this._request("delete", { namespace, key });
  }

  /**
   * Stores value in an owned namespace of signer (a RecordSigner), signed in this page: name is a short name (the
   * signer's @<key>/name) or the full owned namespace. The page picks the version it signs, newer than its clock and
   * than the version the network holds now; the record lives ttlSeconds (default a day): put it again to keep it
   * longer. Resolves {namespace, version, acknowledged, attempted}.
   */
  putSigned(signer, name, key, value, ttlSeconds) {
    return this._signed(signer, name, key, JSON.stringify(value), ttlSeconds);
  }

  /** Deletes (namespace, key) in an owned namespace of signer, the tombstone signed in this page. */
  deleteSigned(signer, name, key) {
    return this._signed(signer, name, key, null, undefined);
  }

  async _signed(signer, name, key, valueText, ttlSeconds) {
    if (!(signer instanceof RecordSigner)) {
      throw new WeftError("bad-request", "putSigned and deleteSigned need a RecordSigner");
    }
    const namespace = signer.ownedNamespace(name);
    const current = await this.get(namespace, key);
    const now = Date.now();
    let timestamp = BigInt(now) << 16n;
    if (current !== null && typeof current.version === "string") {
      const held = BigInt("0x" + current.version.split("-")[0]);
      if (held >= timestamp) {
        timestamp = held + 1n;
      }
    }
    const version = timestamp.toString(16) + "-" + signer._writer;
    const expires = now + (ttlSeconds === undefined ? DEFAULT_SIGNED_TTL_SECONDS : ttlSeconds) * 1000;
    const signature = await signer.sign(namespace, key, version, expires, valueText);
    const request = { namespace, key, version, expires, signature };
    if (valueText === null) {
      request.tombstone = true;
    } else {
      request.value = valueText;
    }
    return { namespace, ...(await this._request("putSigned", request)) };
  }

  /**
   * One page of the objects the node itself holds (its replicas, not the network's): {items, next}; pass next as
   * options.after for the following page (null on the last).
   */
  lscan(options = {}) {
    return this._request("lscan", { namespace: options.namespace, after: options.after, limit: options.limit });
  }

  // Messaging ----------------------------------------------------------------------------------------------------

  /** Sends message to the node responsible for (namespace, key). Resolves {id, to}. */
  send(namespace, key, message, options = {}) {
    return this._request("send", { namespace, key, message, channel: options.channel });
  }

  /** Sends message to the node or client with this id. Resolves {id, to}; code "not-found" when nobody has it. */
  sendNode(id, message, options = {}) {
    return this._request("sendNode", { to: id, message, channel: options.channel });
  }

  /** Sends message to every node, and so to every client subscribed to the channel. Resolves {id, subtrees, unreachable}. */
  sendAll(message, options = {}) {
    return this._request("sendAll", { message, channel: options.channel });
  }

  /**
   * Calls handler({kind, id, sender, channel, message}) for each message on a channel ("user" unless options.channel,
   * which may be "app.<name>"): broadcasts, and messages sent to this client's id. Resolves with a function that
   * removes the handler once the node has subscribed this client to the channel.
   */
  onMessage(handler, options = {}) {
    const channel = options.channel || "user";
    let handlers = this._messageHandlers.get(channel);
    const first = handlers === undefined;
    if (first) {
      handlers = new Set();
      this._messageHandlers.set(channel, handlers);
    }
    handlers.add(handler);
    const off = () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this._messageHandlers.get(channel) === handlers && channel !== "user") {
        this._messageHandlers.delete(channel);
        this._request("unsubscribe", { channel }).catch(() => {});
      }
    };
    if (!first || channel === "user") {
      return Promise.resolve(off);
    }
    return this._request("subscribe", { channel }).then(() => off, error => {
      off();
      throw error;
    });
  }

  // Schema -------------------------------------------------------------------------------------------------------

  /** Sets a global on every node. Resolves {name, value, version}. */
  setGlobal(name, value) {
    return this._request("setGlobal", { name, value });
  }

  /** The value of a global as the node knows it, or undefined. */
  getGlobal(name) {
    return this._request("getGlobal", { name }).then(g => (g === null ? undefined : g.value));
  }

  /** {name, value, version} of a global, or null. */
  global(name) {
    return this._request("getGlobal", { name });
  }

  /** Removes a global everywhere. Resolves {name, removed: true, version}. */
  removeGlobal(name) {
    return this._request("removeGlobal", { name });
  }

  /** Every global the node knows: an object name -> {name, value, version}. */
  globals() {
    return this._request("globals").then(list => Object.fromEntries(list.map(g => [g.name, g])));
  }

  /**
   * Calls handler({name, value, removed, version}) each time the node learns a new value of a global (of
   * options.name only, when given). Resolves with a function that removes the handler.
   */
  onGlobal(handler, options = {}) {
    const key = options.name || "*";
    let handlers = this._globalHandlers.get(key);
    const first = handlers === undefined;
    if (first) {
      handlers = new Set();
      this._globalHandlers.set(key, handlers);
    }
    handlers.add(handler);
    const args = options.name ? { name: options.name } : {};
    const off = () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this._globalHandlers.get(key) === handlers) {
        this._globalHandlers.delete(key);
        this._request("unwatch", args).catch(() => {});
      }
    };
    if (!first) {
      return Promise.resolve(off);
    }
    return this._request("watch", args).then(() => off, error => {
      off();
      throw error;
    });
  }

  // Connection ---------------------------------------------------------------------------------------------------

  /** Calls handler({code, reason}) when the connection ends. */
  onClose(handler) {
    this._closeHandlers.add(handler);
    return () => this._closeHandlers.delete(handler);
  }

  /** Closes the connection; pending requests fail with code "closed". Resolves when it is closed. */
  close() {
    if (this._closeInfo === null) {
      this._ws.close(1000, "closed by the page");
    }
    return this.closed;
  }
}

function safely(handler, arg) {
  try {
    handler(arg);
  } catch (e) {
    console.error("a weft handler failed", e);
  }
}

// Client-side encryption -------------------------------------------------------------------------------------------

const SEALED_MARK = "weft-sealed";
const PBKDF2_ITERATIONS = 600000; // as dev.weft.api.ValueCipher
const UTF8 = new TextEncoder();

function toBase64(bytes) {
  let s = "";
  for (const b of bytes) {
    s += String.fromCharCode(b);
  }
  return btoa(s);
}

function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    out[i] = s.charCodeAt(i);
  }
  return out;
}

/**
 * The UTF-8 bytes of strings, each after its length as a 4-byte big-endian integer (as the Java LengthPrefixed), so
 * ("a", "bc") and ("ab", "c") differ: a sealed value's associated data, and the start of what an owner signs.
 */
function lengthPrefixed(strings) {
  const parts = strings.map(s => UTF8.encode(String(s)));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The associated data of a sealed value: its namespace and key. */
function associatedData(namespace, key) {
  return lengthPrefixed([namespace, key]);
}

function subtle() {
  if (typeof crypto === "undefined" || !crypto.subtle) {
    throw new WeftError("unsupported", "WebCrypto is only available to pages served over https or from localhost");
  }
  return crypto.subtle;
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

// Owned namespaces --------------------------------------------------------------------------------------------------

const RECORD_DOMAIN = "weft-record-v1"; // as dev.weft.api.RecordSigner
const DEFAULT_SIGNED_TTL_SECONDS = 24 * 3600;

function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - text.length % 4) % 4));
}

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
