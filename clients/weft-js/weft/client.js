// The connection to a node's gateway: connect(), and WeftNode with the operations of each module the node has.

import { WeftError } from "./errors.js";
import { RecordSigner } from "./signer.js";

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

const DEFAULT_SIGNED_TTL_SECONDS = 24 * 3600;

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
 * The WebSocket class to connect with: options.WebSocket, else the global one (browsers, Node.js 22 and later, Node.js
 * 20 with --experimental-websocket, Deno, Bun).
 */
function webSocketClass(options) {
  const impl = options.WebSocket !== undefined ? options.WebSocket
    : typeof WebSocket === "undefined" ? undefined : WebSocket;
  if (typeof impl !== "function") {
    throw new WeftError("unsupported", options.WebSocket !== undefined
      ? "options.WebSocket is not a WebSocket class"
      : "this runtime has no WebSocket: pass a WebSocket class as options.WebSocket (under Node.js 20, the ws"
        + " package's, or run node with --experimental-websocket)");
  }
  return impl;
}

/**
 * Connects to a node's gateway.
 *
 * @param {string} [url] ws://host:port/client; default: the node that served the page
 * @param {{id?: string, stable?: boolean, WebSocket?: Function}} [options] the id to connect as (see chooseId), and
 *     the WebSocket class to use where the runtime has none (see webSocketClass)
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
  let Socket;
  try {
    Socket = webSocketClass(options);
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
    let ws;
    try {
      ws = new Socket(target.href);
    } catch (e) {
      reject(new WeftError("bad-request", "cannot open " + target.href + ": " + String(e.message || e)));
      return;
    }
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
    /** The modules the node offers: storage, and messaging, schema, pht, sql when it runs them. */
    this.modules = hello.modules;
    /** The node's limits for this connection. */
    this.limits = hello.limits;
    this._ws = ws;
    this._nextRid = 1;
    this._pending = new Map();
    this._messageHandlers = new Map(); // channel -> Set of handlers
    this._globalHandlers = new Map(); // "*" or name -> Set of handlers
    this._sqlWatches = new Map(); // watch id -> handler
    this._nextWatch = 1;
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
    } else if (frame.t === "sql") {
      const handler = this._sqlWatches.get(frame.watch);
      if (handler) {
        const { t, watch, ...event } = frame;
        if (event.type === "error") {
          event.error = new WeftError(event.error.code, event.error.message);
        }
        if (event.closed) {
          this._sqlWatches.delete(frame.watch);
        }
        safely(handler, event);
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

  // SQL ----------------------------------------------------------------------------------------------------------

  /**
   * Runs one SQL statement (when node.modules includes "sql"), with ? parameters. Resolves {columns, rows, coverage}
   * for a query ({columns: [{name, type}], rows: [[...]], coverage: {nodes, answered, complete}}), {updated,
   * coverage} otherwise. options: timeoutMs, allowPartial, maxRows (default 1,000 rows for a page).
   */
  sql(text, params = [], options = {}) {
    return this._request("sql", { sql: text, params, ...options });
  }

  /**
   * Runs a query and keeps its answer current (when node.modules includes "sql"): onChange gets the answer
   * ({type: "answer", columns, rows, coverage}), then each change to it as the rows that entered and those that left
   * ({type: "change", added, removed, coverage}: a changed row leaves as it was and enters as it is), or an error
   * ({type: "error", error: WeftError, closed}: closed true ends the watch). Resolves with a function that stops it.
   * The same options as sql(); each event is bounded as an answer is. After a reconnection, watch again: the answer
   * comes fresh, nothing is replayed.
   */
  watch(text, onChange, params = [], options = {}) {
    const id = "w" + this._nextWatch++;
    this._sqlWatches.set(id, onChange);
    const stop = () => {
      if (this._sqlWatches.delete(id)) {
        this._request("sqlUnwatch", { watch: id }).catch(() => {});
      }
    };
    return this._request("sqlWatch", { watch: id, sql: text, params, ...options }).then(() => stop, error => {
      this._sqlWatches.delete(id);
      throw error;
    });
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
