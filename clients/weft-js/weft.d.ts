// TypeScript declarations of weft.js (the package's ES modules are plain JavaScript). Protocol and limits:
// docs/browser.md of the weft repository.

/** A JSON value, as stored and sent. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The codes of WeftError: what the node answered, or "closed" once the connection is gone. */
export type WeftErrorCode =
  | "bad-request" | "not-found" | "conflict" | "too-large" | "rate-limited" | "unsupported" | "unavailable"
  | "internal" | "closed";

/** The one error type of weft.js: a request the node refused or could not serve, or a connection that ended. */
export class WeftError extends Error {
  constructor(code: WeftErrorCode, message: string);
  readonly name: "WeftError";
  readonly code: WeftErrorCode;
}

/** A class constructed as `new WebSocket(url)` with the browser's WebSocket interface (onmessage, onclose, send, close). */
export interface WebSocketClass {
  new (url: string): {
    onmessage: ((event: { data: any }) => void) | null;
    onclose: ((event: { code: number; reason: string }) => void) | null;
    send(data: string): void;
    close(code?: number, reason?: string): void;
  };
}

export interface ConnectOptions {
  /** The id to connect as (40 hex digits); another page or process connected with it gets code "conflict". */
  id?: string;
  /** In a page: keep the id in localStorage and use it again on later visits. */
  stable?: boolean;
  /**
   * The WebSocket class to connect with where the runtime has none (Node.js 20 without --experimental-websocket:
   * the ws package's). Default: the global WebSocket.
   */
  WebSocket?: WebSocketClass;
}

/**
 * Connects to a node's gateway: url is ws(s)://host:port/client; in a page it defaults to the node that served it.
 * Resolves once the node said hello.
 */
export function connect(url?: string, options?: ConnectOptions): Promise<WeftNode>;
export function connect(options: ConnectOptions): Promise<WeftNode>;

export interface Limits {
  [limit: string]: number;
}

export interface PutResult {
  /** The version written. */
  version: string;
  /** Replicas that had confirmed when the node answered (the write quorum, the closest replica among them). */
  acknowledged: number;
  /** Replicas the record was sent to. */
  attempted: number;
}

export interface StoredObject {
  namespace: string;
  key: string;
  value: Json;
  version: string;
  /** The owner's public key, for an owned namespace. */
  owner?: string;
}

export interface Page {
  items: StoredObject[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

export interface SqlOptions {
  timeoutMs?: number;
  /** Answer with what the nodes that answered hold (coverage.complete false) instead of failing. */
  allowPartial?: boolean;
  /** Rows the answer may have; default 1,000 for a page, at most 100,000. */
  maxRows?: number;
}

export interface Coverage {
  /** Nodes the statement needed answers from. */
  nodes: number;
  answered: number;
  /** Whether every row the statement should see was seen. */
  complete: boolean;
}

export interface SqlResult {
  /** A query's columns; absent for other statements. */
  columns?: { name: string; type: string }[];
  rows?: Json[][];
  /** Rows written, for INSERT, UPDATE, DELETE; 0 for DDL. */
  updated?: number;
  coverage: Coverage;
}

/** What a live query (`watch`) tells its handler: the answer, then each change to it, or an error. */
export type SqlWatchEvent =
  | { type: "answer"; columns: { name: string; type: string }[]; rows: Json[][]; coverage: Coverage; closed: false }
  | { type: "change"; added: Json[][]; removed: Json[][]; coverage: Coverage; closed: false }
  /** `closed` true: the watch has ended (a statement that cannot run, an answer over the limits). */
  | { type: "error"; error: WeftError; closed: boolean };

export interface Message {
  kind: string;
  id: string;
  sender: string;
  channel: string;
  message: Json;
}

export interface Global {
  name: string;
  value: Json;
  version: string;
}

export interface GlobalChange {
  name: string;
  value?: Json;
  removed?: boolean;
  version: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export type IndexKey = number | string | [number, number];

export interface IndexEntry {
  key: IndexKey;
  value: Json;
}

/** A connection to a node, with the operations of each module the node has (`modules`). */
export class WeftNode {
  private constructor();
  /** This client's own id: other nodes reach it with sendNode(id, …). */
  readonly id: string;
  /** The id of the node it is connected through. */
  readonly node: string;
  /** The modules the node offers: "storage", and "messaging", "schema", "pht", "sql" when it runs them. */
  readonly modules: string[];
  /** The node's limits for this connection. */
  readonly limits: Limits;
  /** Resolves when the connection has ended. */
  readonly closed: Promise<CloseInfo>;

  info(): Promise<{ id: string; node: string; modules: string[]; limits: Limits }>;

  put(namespace: string, key: string, value: Json, ttlSeconds?: number): Promise<PutResult>;
  get(namespace: string, key: string): Promise<StoredObject | null>;
  delete(namespace: string, key: string): Promise<PutResult>;
  putSigned(signer: RecordSigner, name: string, key: string, value: Json, ttlSeconds?: number):
    Promise<PutResult & { namespace: string }>;
  deleteSigned(signer: RecordSigner, name: string, key: string): Promise<PutResult & { namespace: string }>;
  /** One page of the objects the node itself holds (its replicas, not the network's). */
  lscan(options?: { namespace?: string; after?: string; limit?: number }): Promise<Page>;

  /** One SQL statement, when `modules` includes "sql"; `?` parameters. */
  sql(text: string, params?: Json[], options?: SqlOptions): Promise<SqlResult>;
  /**
   * A live query: the answer, then each change (rows that entered, rows that left), until the returned function is
   * called or an error with `closed` ends it.
   */
  watch(text: string, onChange: (event: SqlWatchEvent) => void, params?: Json[], options?: SqlOptions):
    Promise<() => void>;

  send(namespace: string, key: string, message: Json, options?: { channel?: string }):
    Promise<{ id: string; to: string }>;
  sendNode(id: string, message: Json, options?: { channel?: string }): Promise<{ id: string; to: string }>;
  sendAll(message: Json, options?: { channel?: string }):
    Promise<{ id: string; subtrees: number; unreachable: number }>;
  /** Resolves with a function that removes the handler. */
  onMessage(handler: (message: Message) => void, options?: { channel?: string }): Promise<() => void>;

  setGlobal(name: string, value: Json): Promise<Global>;
  getGlobal(name: string): Promise<Json | undefined>;
  global(name: string): Promise<Global | null>;
  removeGlobal(name: string): Promise<{ name: string; removed: true; version: string }>;
  globals(): Promise<Record<string, Global>>;
  /** Resolves with a function that removes the handler. */
  onGlobal(handler: (change: GlobalChange) => void, options?: { name?: string }): Promise<() => void>;

  /** Range indexes, when `modules` includes "pht". */
  readonly pht: {
    create(index: string, type: string, options?: Record<string, Json>): Promise<Json>;
    insert(index: string, key: IndexKey, value: Json): Promise<boolean>;
    remove(index: string, key: IndexKey, value?: Json): Promise<boolean>;
    lookup(index: string, key: IndexKey): Promise<Json[]>;
    range(index: string, lo: IndexKey, hi: IndexKey, options?: { limit?: number; after?: IndexEntry }):
      Promise<{ entries: IndexEntry[]; next: IndexEntry | null }>;
    rect(index: string, lo: [number, number], hi: [number, number], options?: { limit?: number; after?: IndexEntry }):
      Promise<{ entries: IndexEntry[]; next: IndexEntry | null }>;
  };

  /** Returns a function that removes the handler. */
  onClose(handler: (info: CloseInfo) => void): () => void;
  /** Closes the connection; pending requests fail with code "closed". */
  close(): Promise<CloseInfo>;
}

/** Values sealed with AES-GCM for one (namespace, key), as the Java dev.weft.api.ValueCipher seals them. */
export class ValueCipher {
  private constructor();
  /** A cipher with a raw AES key of 16, 24 or 32 bytes. */
  static fromKey(bytes: Uint8Array): Promise<ValueCipher>;
  /** A fresh random 256-bit key, to be kept by the user. */
  static newKey(): Uint8Array;
  /** A cipher whose key is derived with PBKDF2-HMAC-SHA256 from a passphrase and a salt of at least 16 bytes. */
  static fromPassphrase(passphrase: string, salt: string | Uint8Array): Promise<ValueCipher>;
  /** Whether value has the sealed form (says nothing of who can open it). */
  static isSealed(value: Json): boolean;
  seal(namespace: string, key: string, value: Json): Promise<Json>;
  open(namespace: string, key: string, sealed: Json): Promise<Json>;
}

/** The key of owned namespaces (Ed25519), as the Java dev.weft.api.RecordSigner. */
export class RecordSigner {
  private constructor();
  static generate(): Promise<RecordSigner>;
  static fromPrivateKey(pkcs8: Uint8Array): Promise<RecordSigner>;
  /** The private key in PKCS#8 form, to save. */
  privateKey(): Promise<Uint8Array>;
  /** The raw 32-byte public key. */
  publicKey(): Uint8Array;
  /** "@<public key>", or "@<public key>/<name>". */
  namespace(name?: string): string;
  owns(namespace: string): boolean;
  ownedNamespace(name: string): string;
  /** The signature (base64) of a record; valueText is the value's JSON text, or null for a tombstone. */
  sign(namespace: string, key: string, version: string, expires: number, valueText: string | null): Promise<string>;
}
