// The node's HTTP API (docs/http-api.md) as the page calls it: the token, JSON calls and NDJSON streams.

import { $ } from './dom.js';
import { parseExact, sleep } from './format.js';

const TOKEN_KEY = 'weft.api.token';

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let tokenWaiters = null;

/** Opens the token dialog (once, however many requests were refused) and resolves when a token was entered. */
function askToken(refused) {
  if (!tokenWaiters) {
    tokenWaiters = [];
    $('#token-reason').textContent = refused
      ? 'The node refused that token. Enter the token it runs with (weft.api.token).'
      : "This node's API asks for its token (weft.api.token).";
    $('#token-dialog').showModal();
  }
  return new Promise(resolve => tokenWaiters.push(resolve));
}

export function setupToken() {
  const dialog = $('#token-dialog');
  const form = $('#token-form');
  // Without a token nothing works: the dialog stays until one is given.
  dialog.addEventListener('cancel', e => e.preventDefault());
  form.addEventListener('submit', () => {
    sessionStorage.setItem(TOKEN_KEY, form.elements.token.value.trim());
    form.reset();
  });
  dialog.addEventListener('close', () => {
    const waiting = tokenWaiters || [];
    tokenWaiters = null;
    $('#forget-token').hidden = false;
    waiting.forEach(resolve => resolve());
  });
  const forget = $('#forget-token');
  forget.hidden = !sessionStorage.getItem(TOKEN_KEY);
  forget.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    forget.hidden = true;
  });
}

/** fetch with the token; a 401 asks for the token and tries again. */
async function request(method, path, body, signal) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    let response;
    try {
      response = await fetch(path, { method, headers, body, cache: 'no-store', signal });
    } catch (e) {
      throw new ApiError(0, `cannot reach the node (${e.message})`);
    }
    if (response.status !== 401) return response;
    await response.body?.cancel();
    // Another request may have brought a new token meanwhile: try that before asking.
    if (sessionStorage.getItem(TOKEN_KEY) === token) await askToken(Boolean(token));
  }
}

/**
 * One API call: the parsed JSON answer, or an ApiError with the node's message. Numbers of the answer are kept exact
 * for showing (see parseExact) unless {@code computed}, for the node's counters.
 */
export async function api(method, path, body, computed) {
  const response = await request(method, path, body);
  const text = await response.text();
  let json = null;
  try {
    json = text.trim() ? (computed ? JSON.parse(text) : parseExact(text)) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, (json && typeof json.error === 'string') ? json.error
      : `${response.status} ${response.statusText}`);
  }
  return json;
}

/** Calls onLine with each JSON line of an NDJSON response as it arrives, heartbeats (empty lines) skipped. */
async function readLines(response, onLine) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) onLine(parseExact(line));
    }
  }
}

/**
 * POSTs body to a streaming route (POST /v1/sql/watch) and calls onLine with each JSON line until the node ends the
 * stream or signal aborts it; an error answer is an ApiError, as for api().
 */
export async function stream(path, body, onLine, signal) {
  const response = await request('POST', path, body, signal);
  if (!response.ok) {
    const text = await response.text();
    let message = `${response.status} ${response.statusText}`;
    try {
      const json = JSON.parse(text);
      if (typeof json.error === 'string') message = json.error;
    } catch {
      // not JSON: the status says it
    }
    throw new ApiError(response.status, message);
  }
  await readLines(response, onLine);
}

/**
 * Follows an NDJSON stream (GET /v1/messages/stream, /v1/schema/watch) for as long as the page is open: one call of
 * {@code onLine} per JSON line, heartbeats (empty lines) skipped; reconnects with a growing pause when it ends.
 */
export function follow(path, indicator, onLine, onOpen) {
  const mark = (cls, text) => {
    indicator.className = `stream ${cls}`;
    indicator.textContent = text;
  };
  (async () => {
    let pause = 1000;
    for (;;) {
      try {
        const response = await request('GET', path);
        if (response.status === 501) {
          const answer = await response.text();
          mark('down', `not on this node: ${answer.includes('"error"') ? JSON.parse(answer).error : answer}`);
          return;
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new Error(`${response.status} ${response.statusText}`);
        }
        mark('live', 'live');
        pause = 1000;
        onOpen?.();
        await readLines(response, onLine);
        mark('down', 'the stream ended; reconnecting');
      } catch (e) {
        mark('down', `${e.message}; reconnecting`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 30000);
    }
  })();
}
