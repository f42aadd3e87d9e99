// Bytes as weft's Java side builds them: UTF-8, base64 (and base64url), length-prefixed strings; and WebCrypto.

import { WeftError } from "./errors.js";

export const UTF8 = new TextEncoder();

export function toBase64(bytes) {
  let s = "";
  for (const b of bytes) {
    s += String.fromCharCode(b);
  }
  return btoa(s);
}

export function fromBase64(text) {
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
export function lengthPrefixed(strings) {
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

export function subtle() {
  if (typeof crypto === "undefined" || !crypto.subtle) {
    throw new WeftError("unsupported", "WebCrypto is only available to pages served over https or from localhost");
  }
  return crypto.subtle;
}

export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text) {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - text.length % 4) % 4));
}

