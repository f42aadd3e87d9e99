// The weft node's web UI: one page over the node's HTTP API (docs/http-api.md), served by the node at /ui/.
// No framework and no build step. Data only ever reaches the page through textContent (never innerHTML), and the
// charts are SVG drawn here, so the page needs nothing but the node.

const POLL_MS = 5000;
const WINDOW_MS = 10 * 60 * 1000;
const TOKEN_KEY = 'weft.api.token';
const INDEXES_KEY = 'weft.ui.indexes';
const MAX_MESSAGES = 500;
const MAX_CHANGES = 200;
/** Objects read, at most, to count namespaces: the store has no list of them, only pages of objects. */
const NAMESPACE_SCAN_CAP = 10000;
/** Pages read, at most, per click when a key filter skips most objects. */
const FILTER_PAGES = 20;

// ---------------------------------------------------------------------------------------------------------- helpers

const $ = (selector, root = document) => root.querySelector(selector);

/** An element with properties (or attributes, for names with a dash or 'class'), and children (text or nodes). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name.includes('-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.flat().filter(c => c !== null && c !== undefined).map(c =>
    c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Significant digits of a JSON number's text: more than 15 may not survive a double. */
function digits(source) {
  return source.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
    .length;
}

/**
 * JSON.parse that keeps the numbers a double would round (2^63 - 1, 30-digit decimals) exactly as the node wrote
 * them, where the browser has JSON.rawJSON: the API passes values on exactly, and the page should not change them.
 * Only for showing data: such a number is no longer a number to compute with.
 */
const parseExact = typeof JSON.rawJSON === 'function'
  ? text => JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && context?.source !== undefined && digits(context.source) > 15
      && String(value) !== context.source ? JSON.rawJSON(context.source) : value)
  : text => JSON.parse(text);

const show = value => JSON.stringify(value);
const pretty = value => JSON.stringify(value, null, 2);

/** Checks that the text is one JSON value and returns it trimmed, to be sent as it is (numbers stay exact). */
function jsonText(text, what) {
  const trimmed = text.trim();
  if (!trimmed) throw new Error(`${what}: enter a JSON value (a string needs quotes: "text")`);
  try {
    JSON.parse(trimmed);
  } catch (e) {
    throw new Error(`${what} is not JSON: ${e.message} (a string needs quotes: "text")`);
  }
  return trimmed;
}

/**
 * One path segment, encoded as the API wants. A browser's URL parser drops "." and ".." segments (and their
 * percent-encoded forms) before the request leaves, so such names cannot be sent from a page.
 */
function segment(name, what) {
  if (name === '') throw new Error(`the ${what} must not be empty`);
  if (/^(\.|%2e){1,2}$/i.test(name)) {
    throw new Error(`a ${what} of "${name}" cannot be sent from a browser (URLs drop it): use the weft CLI`);
  }
  return encodeURIComponent(name);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const clock = ms => new Date(ms).toLocaleTimeString();

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function count(n) {
  if (n >= 1e9) return `${+(n / 1e9).toPrecision(3)}G`;
  if (n >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toPrecision(3)}k`;
  return `${+n.toPrecision(3)}`;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${+n.toPrecision(3)} ${units[i]}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Shows what happened in an output element: text, and whether it went wrong. */
function report(target, text, kind) {
  target.textContent = text;
  target.classList.toggle('error', kind === 'error');
  target.classList.toggle('ok', kind === 'ok');
}

/** Runs a form's action with its buttons disabled, reporting a failure in {@code out}. */
async function busy(form, out, action) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach(b => { b.disabled = true; });
  try {
    await action();
  } catch (e) {
    report(out, e.message, 'error');
  } finally {
    buttons.forEach(b => { b.disabled = false; });
  }
}

function shortId(id) {
  return id === state.id ? 'this node' : `${id.slice(0, 10)}…`;
}

const state = { id: null, peers: [] };

// ------------------------------------------------------------------------------------------------------ API, token

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

function setupToken() {
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
async function request(method, path, body) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    let response;
    try {
      response = await fetch(path, { method, headers, body, cache: 'no-store' });
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
async function api(method, path, body, computed) {
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

/**
 * Follows an NDJSON stream (GET /v1/messages/stream, /v1/schema/watch) for as long as the page is open: one call of
 * {@code onLine} per JSON line, heartbeats (empty lines) skipped; reconnects with a growing pause when it ends.
 */
function follow(path, indicator, onLine, onOpen) {
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
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim()) onLine(parseExact(line));
          }
        }
        mark('down', 'the stream ended; reconnecting');
      } catch (e) {
        mark('down', `${e.message}; reconnecting`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 30000);
    }
  })();
}

// ------------------------------------------------------------------------------------------------------------ tabs

const tabs = [...document.querySelectorAll('[role="tab"]')];
const opened = new Set();
/** What a tab loads the first time it is shown. */
const onFirstShow = {};

function select(tab, focus) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  const panel = tab.getAttribute('aria-controls');
  history.replaceState(null, '', `#${panel}`);
  if (!opened.has(panel)) {
    opened.add(panel);
    onFirstShow[panel]?.();
  }
  if (panel === 'messages') {
    unseenMessages = 0;
    updateBadge();
  }
}

function setupTabs() {
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', e => {
      const i = tabs.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
  const fromHash = tabs.find(t => `#${t.getAttribute('aria-controls')}` === location.hash);
  select(fromHash || tabs[0], false);
}

// --------------------------------------------------------------------------------------------- node, stats, charts

/** Samples of the last WINDOW_MS: {t, rpcs, lookups, stored, bytesIn, bytesOut}, oldest first. */
const samples = [];

function setStatus(text, error) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', Boolean(error));
}

async function poll() {
  try {
    const [info, stats] = await Promise.all([api('GET', '/v1/info', undefined, true),
      api('GET', '/v1/stats', undefined, true)]);
    showInfo(info);
    showStats(stats);
    const rpcs = Object.values(stats.rpcs).reduce((sum, r) => sum + Number(r.sent) + Number(r.received), 0);
    samples.push({ t: Date.now(), rpcs, lookups: Number(stats.lookups), stored: Number(info.stored),
      bytesIn: Number(stats.bytesIn), bytesOut: Number(stats.bytesOut) });
    while (samples.length && samples[0].t < Date.now() - WINDOW_MS) samples.shift();
    drawCharts();
    setStatus(`updated ${clock(Date.now())}`);
  } catch (e) {
    setStatus(e.message, true);
  }
  setTimeout(poll, POLL_MS);
}

function showInfo(info) {
  state.id = info.id;
  $('#node-id').textContent = info.id;
  $('#node-addresses').textContent = info.addresses.join(', ');
  $('#node-contacts').textContent = String(info.contacts);
  $('#node-stored').textContent = String(info.stored);
  $('#node-version').textContent = info.weftVersion;
  document.title = `weft node ${info.id.slice(0, 8)}`;
  showPeers(info.buckets);
}

function showPeers(buckets) {
  const chips = $('#buckets');
  const rows = $('#peer-table tbody');
  const most = Math.max(1, ...buckets.map(b => b.contacts.length));
  chips.replaceChildren(...buckets.map(b => el('div', { class: 'bucket', title: `bucket ${b.index}` },
    el('div', {}, `bucket ${b.index}: `, el('strong', {}, b.contacts.length)),
    el('div', { class: 'bar', style: `width: ${(100 * b.contacts.length) / most}%` }))));
  const peers = buckets.flatMap(b => b.contacts.map(c => ({ bucket: b.index, ...c })));
  state.peers = peers;
  rows.replaceChildren(...peers.map(p => el('tr', { 'data-id': p.contact.id },
    el('td', { class: 'num' }, p.bucket),
    el('td', {}, el('code', { class: 'id' }, p.contact.id)),
    el('td', {}, p.contact.addresses.join(', ')),
    el('td', { class: 'num' }, Number(p.rttMillis) >= 0 ? `${Math.round(Number(p.rttMillis))} ms` : '—'),
    el('td', { class: 'num', title: new Date(Number(p.lastSeenMillis)).toLocaleString() }, ago(Number(p.lastSeenMillis))),
    el('td', { class: 'num' }, p.failures))));
  $('#peer-count').textContent = plural(peers.length, 'contact');
  $('#peer-list').replaceChildren(...peers.map(p => el('option', { value: p.contact.id })));
}

function showStats(stats) {
  const rows = Object.entries(stats.rpcs).sort(([a], [b]) => a.localeCompare(b)).map(([type, r]) => el('tr', {},
    el('th', { scope: 'row' }, type), el('td', { class: 'num' }, r.sent), el('td', { class: 'num' }, r.received),
    el('td', { class: 'num' }, r.timedOut), el('td', { class: 'num' }, bytes(Number(r.bytesOut)))));
  $('#rpc-table tbody').replaceChildren(...rows);
  const hops = Object.entries(stats.lookupHops).sort(([a], [b]) => Number(a) - Number(b));
  $('#hops-table tbody').replaceChildren(...(hops.length ? hops.map(([h, n]) => el('tr', {},
    el('td', {}, h), el('td', { class: 'num' }, n))) : [el('tr', {}, el('td', { colSpan: 2, class: 'empty' }, 'none yet'))]));
  const totals = [['Lookups', stats.lookups], ['Messages in', stats.messagesIn], ['Messages out', stats.messagesOut],
    ['Bytes in', bytes(Number(stats.bytesIn))], ['Bytes out', bytes(Number(stats.bytesOut))],
    ['Malformed, dropped', stats.malformedDropped]];
  $('#totals').replaceChildren(...totals.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

/** Per-second rates of a counter between successive samples; a counter that went down (a restart) leaves a gap. */
function rate(field) {
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const seconds = (b.t - a.t) / 1000;
    if (seconds > 0 && b[field] >= a[field]) points.push([b.t, (b[field] - a[field]) / seconds]);
  }
  return points;
}

function drawCharts() {
  const level = field => samples.map(s => [s.t, s[field]]);
  drawChart($('#chart-rpcs'), [{ name: 'RPCs/s', points: rate('rpcs') }], count);
  drawChart($('#chart-lookups'), [{ name: 'lookups/s', points: rate('lookups') }], count);
  drawChart($('#chart-stored'), [{ name: 'records', points: level('stored') }], count);
  drawChart($('#chart-bytes'), [{ name: 'in', points: rate('bytesIn') }, { name: 'out', points: rate('bytesOut') }],
    v => `${bytes(v)}/s`, 1024);
}

/**
 * A round top for the y axis, at least {@code v}: the smallest of 1, 2, 2.5, 5 × a power of ten, or for bytes (base
 * 1024) × a power of 1024 first, so that the axis reads 2 KiB/s rather than 2.05 KB/s.
 */
function roundUp(v, base) {
  if (!(v > 0)) return 1;
  const unit = base === 1024 ? 1024 ** Math.max(0, Math.floor(Math.log(v) / Math.log(1024))) : 1;
  const scaled = v / unit;
  const power = 10 ** Math.floor(Math.log10(scaled));
  return unit * [1, 2, 2.5, 5, 10].map(m => m * power).find(m => m >= scaled);
}

/** A line chart of the last WINDOW_MS in {@code figure}: series of [time, value] points, y from 0. */
function drawChart(figure, series, format, base) {
  const W = 480;
  const H = 150;
  const left = 62;
  const right = 8;
  const top = 8;
  const bottom = 20;
  const now = Date.now();
  const start = now - WINDOW_MS;
  const values = series.flatMap(s => s.points.map(p => p[1]));
  const max = roundUp(Math.max(0, ...values), base);
  const x = t => left + ((t - start) / WINDOW_MS) * (W - left - right);
  const y = v => top + (1 - v / max) * (H - top - bottom);
  const caption = figure.querySelector('figcaption').textContent;
  const latest = series.map(s => (s.points.length ? `${s.name} ${format(s.points[s.points.length - 1][1])}` : null))
    .filter(Boolean);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `${caption}, last 10 minutes: ${latest.length ? latest.join(', ') : 'no data yet'}` });
  for (const [v, cls] of [[max, 'grid'], [max / 2, 'grid'], [0, 'axis']]) {
    chart.append(svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: cls }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, format(v)));
  }
  for (const [t, label, anchor] of [[start, '−10 min', 'start'], [now - WINDOW_MS / 2, '−5 min', 'middle'],
    [now, 'now', 'end']]) {
    chart.append(svg('text', { x: x(t), y: H - 4, 'text-anchor': anchor, class: 'tick' }, label));
  }
  series.forEach((s, i) => {
    if (s.points.length) {
      chart.append(svg('polyline', { class: `line s${i + 1}`,
        points: s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
      // The newest point as a dot: the first one of a new page is a line of one point, which draws nothing.
      const [t, v] = s.points[s.points.length - 1];
      chart.append(svg('circle', { class: `dot s${i + 1}`, cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 3 }));
    }
  });
  if (!values.length) {
    chart.append(svg('text', { x: (left + W) / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' },
      'collecting…'));
  }
  const legend = el('ul', { class: 'legend' }, series.map((s, i) => el('li', {},
    el('span', { class: `swatch s${i + 1}`, 'aria-hidden': 'true' }),
    `${s.name}: ${s.points.length ? format(s.points[s.points.length - 1][1]) : '…'}`)));
  figure.replaceChildren(figure.querySelector('figcaption'), chart, legend);
}

// --------------------------------------------------------------------------------------------------------- objects

let browsing = null;

async function listObjects(fresh) {
  const form = $('#browse-form');
  if (fresh) {
    browsing = { namespace: form.elements.namespace.value, filter: form.elements.filter.value.toLowerCase(),
      limit: form.elements.limit.value, after: null, read: 0, shown: 0 };
    $('#object-table tbody').replaceChildren();
    $('#object-table tbody').dataset.empty = browsing.namespace || browsing.filter ? 'Nothing matched.'
      : 'This node holds no objects.';
  }
  const b = browsing;
  const rows = $('#object-table tbody');
  let pages = 0;
  let matched = 0;
  do {
    const query = new URLSearchParams();
    if (b.namespace) query.set('namespace', b.namespace);
    query.set('limit', b.limit);
    if (b.after) query.set('after', b.after);
    const page = await api('GET', `/v1/objects?${query}`);
    pages++;
    b.read += page.items.length;
    for (const item of page.items) {
      if (b.filter && !item.key.toLowerCase().includes(b.filter)) continue;
      matched++;
      b.shown++;
      rows.append(objectRow(item));
    }
    b.after = page.next;
  } while (b.after && b.filter && matched < Number(b.limit) && pages < FILTER_PAGES);
  report($('#browse-status'), `${plural(b.shown, 'object')} shown` + (b.filter ? ` of ${b.read} read` : '')
    + (b.after ? '; more follow' : '; that is all'));
  $('#browse-more').hidden = !b.after;
}

function objectRow(item) {
  const fill = () => {
    const form = $('#object-form');
    form.elements.namespace.value = item.namespace;
    form.elements.key.value = item.key;
    form.elements.value.value = pretty(item.value);
    form.elements.key.focus();
  };
  return el('tr', { class: 'pick', tabIndex: 0, title: 'Copy into the form below', onclick: fill,
    onkeydown: e => { if (e.key === 'Enter') fill(); } },
  el('td', {}, item.namespace), el('td', {}, item.key),
  el('td', { class: 'json' }, el('span', { class: 'clip' }, show(item.value))),
  el('td', {}, el('code', {}, item.version)));
}

async function countNamespaces() {
  const list = $('#namespace-counts');
  list.replaceChildren(el('li', { class: 'empty' }, 'counting…'));
  const counts = new Map();
  let after = null;
  let read = 0;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (after) query.set('after', after);
    const page = await api('GET', `/v1/objects?${query}`);
    for (const item of page.items) counts.set(item.namespace, (counts.get(item.namespace) || 0) + 1);
    read += page.items.length;
    after = page.next;
  } while (after && read < NAMESPACE_SCAN_CAP);
  const browse = ns => {
    const form = $('#browse-form');
    form.elements.namespace.value = ns;
    form.elements.filter.value = '';
    busy(form, $('#browse-status'), () => listObjects(true));
  };
  list.replaceChildren(...[...counts].map(([ns, n]) => el('li', {},
    el('button', { type: 'button', class: 'link', onclick: () => browse(ns) }, ns), el('span', {}, n))));
  if (!counts.size) list.append(el('li', { class: 'empty' }, 'This node holds no objects.'));
  if (after) list.append(el('li', { class: 'empty' }, `… counted over the first ${read} objects only`));
  $('#namespace-list').replaceChildren(...[...counts.keys()].map(ns => el('option', { value: ns })));
}

function setupObjects() {
  $('#ns-cap').textContent = String(NAMESPACE_SCAN_CAP);
  const browseForm = $('#browse-form');
  const status = $('#browse-status');
  browseForm.addEventListener('submit', e => {
    e.preventDefault();
    busy(browseForm, status, () => listObjects(true));
  });
  $('#browse-more').addEventListener('click', () => busy(browseForm, status, () => listObjects(false)));
  $('#namespaces-refresh').addEventListener('click', () =>
    countNamespaces().catch(e => report(status, e.message, 'error')));
  onFirstShow.objects = () => {
    busy(browseForm, status, () => listObjects(true));
    countNamespaces().catch(e => report(status, e.message, 'error'));
  };

  const form = $('#object-form');
  const out = $('#object-result');
  form.addEventListener('submit', e => {
    e.preventDefault();
    const action = e.submitter?.value || 'get';
    busy(form, out, async () => {
      const f = form.elements;
      const path = `/v1/objects/${segment(f.namespace.value, 'namespace')}/${segment(f.key.value, 'key')}`;
      if (action === 'get') {
        try {
          const found = await api('GET', path);
          f.value.value = pretty(found.value);
          report(out, `found, version ${found.version}:\n${pretty(found.value)}`, 'ok');
        } catch (err) {
          if (err.status !== 404) throw err;
          report(out, 'not found: the closest nodes hold no such object', 'error');
        }
      } else if (action === 'put') {
        const body = jsonText(f.value.value, 'the value');
        const ttl = f.ttl.value.trim();
        const answer = await api('PUT', ttl ? `${path}?${new URLSearchParams({ ttl })}` : path, body);
        report(out, `stored: version ${answer.version}, acknowledged by ${answer.acknowledged} of`
          + ` ${answer.attempted} replicas`, 'ok');
      } else {
        const answer = await api('DELETE', path);
        report(out, `deleted: tombstone version ${answer.version}, acknowledged by ${answer.acknowledged} of`
          + ` ${answer.attempted} replicas`, 'ok');
      }
    });
  });
}

// -------------------------------------------------------------------------------------------------------- messages

let unseenMessages = 0;

function updateBadge() {
  const badge = $('#messages-badge');
  badge.hidden = unseenMessages === 0;
  badge.textContent = unseenMessages > 99 ? '99+' : String(unseenMessages);
  badge.title = `${unseenMessages} new`;
}

function showMessage(m) {
  const rows = $('#message-table tbody');
  const kindFilter = $('#messages-kind').value;
  const row = el('tr', { class: 'fresh', 'data-kind': m.kind, hidden: Boolean(kindFilter && kindFilter !== m.kind) },
    el('td', {}, clock(Date.now())), el('td', {}, m.kind),
    el('td', { title: m.sender }, el('code', {}, shortId(m.sender))),
    el('td', {}, m.kind === 'key' ? `${m.namespace} / ${m.key}` : ''),
    el('td', { class: 'json' }, el('span', { class: 'clip' }, show(m.payload))));
  rows.prepend(row);
  while (rows.children.length > MAX_MESSAGES) rows.lastElementChild.remove();
  if ($('#messages').hidden) {
    unseenMessages++;
    updateBadge();
  }
}

function setupMessages() {
  const form = $('#send-form');
  const out = $('#send-result');
  const shape = () => {
    const to = form.elements.to.value;
    form.querySelectorAll('[data-for]').forEach(label => { label.hidden = label.dataset.for !== to; });
  };
  form.elements.to.addEventListener('change', shape);
  shape();
  form.addEventListener('submit', e => {
    e.preventDefault();
    busy(form, out, async () => {
      const f = form.elements;
      const body = jsonText(f.payload.value, 'the message');
      if (f.to.value === 'all') {
        const a = await api('POST', '/v1/messages/all', body);
        report(out, `broadcast ${a.id}: ${a.subtrees} parts of the network took it, ${a.unreachable} unreachable`,
          'ok');
      } else {
        const path = f.to.value === 'node'
          ? `/v1/messages/node/${segment(f.node.value.trim(), 'node id')}`
          : `/v1/messages/key/${segment(f.namespace.value, 'namespace')}/${segment(f.key.value, 'key')}`;
        const a = await api('POST', path, body);
        report(out, `message ${a.id} taken by ${a.to}`, 'ok');
      }
    });
  });
  $('#messages-kind').addEventListener('change', e => {
    for (const row of $('#message-table tbody').children) {
      row.hidden = Boolean(e.target.value && row.dataset.kind !== e.target.value);
    }
  });
  $('#messages-clear').addEventListener('click', () => $('#message-table tbody').replaceChildren());
  follow('/v1/messages/stream', $('#messages-stream'), showMessage);
}

// --------------------------------------------------------------------------------------------------------- globals

/** Name → newest {name, value | removed, version} known here. */
const globals = new Map();

/** Whether version a ("<hex time>-<hex writer>") is newer than b: time first, then writer. */
function newer(a, b) {
  if (!b) return true;
  try {
    const [at, aw] = a.split('-').map(h => BigInt(`0x${h}`));
    const [bt, bw] = b.split('-').map(h => BigInt(`0x${h}`));
    return at !== bt ? at > bt : aw > bw;
  } catch {
    return a > b;
  }
}

function learn(g) {
  const known = globals.get(g.name);
  if (!known || newer(g.version, known.version)) globals.set(g.name, g);
}

function showGlobals() {
  const out = $('#global-result');
  const live = [...globals.values()].filter(g => !g.removed).sort((a, b) => (a.name < b.name ? -1 : 1));
  $('#global-count').textContent = plural(live.length, 'global');
  const edit = g => {
    const form = $('#global-form');
    form.elements.name.value = g.name;
    form.elements.value.value = pretty(g.value);
    form.elements.value.focus();
  };
  $('#global-table tbody').replaceChildren(...live.map(g => el('tr', {},
    el('td', {}, el('button', { type: 'button', class: 'link', title: 'Edit', onclick: () => edit(g) }, g.name)),
    el('td', { class: 'json' }, el('span', { class: 'clip' }, show(g.value))),
    el('td', {}, el('code', {}, g.version)),
    el('td', {}, el('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${g.name}`,
      onclick: () => busy($('#global-form'), out, async () => {
        const a = await api('DELETE', `/v1/schema/globals/${segment(g.name, 'name')}`);
        learn(a);
        showGlobals();
        report(out, `removed ${a.name} (version ${a.version})`, 'ok');
      }) }, 'Remove')))));
}

async function loadGlobals() {
  const answer = await api('GET', '/v1/schema/globals');
  answer.globals.forEach(learn);
  showGlobals();
}

function setupGlobals() {
  const form = $('#global-form');
  const out = $('#global-result');
  form.addEventListener('submit', e => {
    e.preventDefault();
    busy(form, out, async () => {
      const f = form.elements;
      const body = jsonText(f.value.value, 'the value');
      const a = await api('PUT', `/v1/schema/globals/${segment(f.name.value, 'name')}`, body);
      learn(a);
      showGlobals();
      report(out, `set ${a.name} (version ${a.version}); the other nodes learn it by broadcast`, 'ok');
    });
  });
  $('#globals-refresh').addEventListener('click', () => loadGlobals().catch(e => report(out, e.message, 'error')));
  const changes = $('#change-table tbody');
  // The stream first, then the list: a change made in between shows in one or the other, and the newer version wins.
  follow('/v1/schema/watch', $('#globals-stream'), g => {
    learn(g);
    showGlobals();
    changes.prepend(el('tr', { class: 'fresh' }, el('td', {}, clock(Date.now())), el('td', {}, g.name),
      el('td', { class: 'json' }, g.removed ? el('em', {}, 'removed') : el('span', { class: 'clip' }, show(g.value))),
      el('td', {}, el('code', {}, g.version))));
    while (changes.children.length > MAX_CHANGES) changes.lastElementChild.remove();
  }, () => loadGlobals().catch(e => report(out, e.message, 'error')));
}

// --------------------------------------------------------------------------------------------------------- indexes

let index = null;
let query = null;

const KEY_HINTS = {
  long: 'Keys are whole numbers of 64 bits (42, -7); the query gives every entry with from ≤ key ≤ to, in key order.',
  string: 'Keys are text, ordered by their UTF-8 bytes; the query gives every entry with from ≤ key ≤ to.',
  point: 'Keys are points x,y (32-bit integers); the query gives every entry inside the rectangle, edges included,'
    + ' in z-order.',
};

/** A key as people write it (42, alice, 3,4) as the JSON text the API takes, for an index keyed by {@code type}. */
function keyJson(type, text, what) {
  if (type === 'string') return JSON.stringify(text);
  if (type === 'long') {
    const t = text.trim();
    const big = /^[-+]?\d+$/.test(t) ? BigInt(t) : null;
    if (big === null || big < -(2n ** 63n) || big >= 2n ** 63n) {
      throw new Error(`${what}: a whole number of 64 bits, like 42 or -7`);
    }
    return big.toString();
  }
  const m = /^\s*\[?\s*([-+]?\d+)\s*,\s*([-+]?\d+)\s*\]?\s*$/.exec(text);
  const inRange = v => v >= -(2n ** 31n) && v < 2n ** 31n;
  if (!m || !inRange(BigInt(m[1])) || !inRange(BigInt(m[2]))) {
    throw new Error(`${what}: a point x,y of 32-bit integers, like 3,4`);
  }
  return `[${BigInt(m[1])},${BigInt(m[2])}]`;
}

/** A key as people read it: 42, alice, 3,4. */
function keyText(key) {
  if (typeof key === 'string') return key;
  if (Array.isArray(key)) return key.map(show).join(',');
  return show(key);
}

function knownIndexes() {
  try {
    return JSON.parse(localStorage.getItem(INDEXES_KEY) || '[]');
  } catch {
    return [];
  }
}

function remember(name) {
  const names = [...new Set([name, ...knownIndexes()])].slice(0, 50);
  localStorage.setItem(INDEXES_KEY, JSON.stringify(names));
}

/** Suggestions: the index definitions this node holds (namespace "pht" of its store) and those opened here. */
async function suggestIndexes() {
  const names = new Set(knownIndexes());
  let after = null;
  let pages = 0;
  do {
    const q = new URLSearchParams({ namespace: 'pht', limit: '1000' });
    if (after) q.set('after', after);
    const page = await api('GET', `/v1/objects?${q}`);
    page.items.forEach(item => names.add(item.key));
    after = page.next;
  } while (after && ++pages < 10);
  $('#index-list').replaceChildren(...[...names].sort().map(n => el('option', { value: n })));
}

function pairs(target, entries) {
  target.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

async function openIndex(name) {
  const status = $('#index-status');
  report(status, `opening ${name}…`);
  let info;
  try {
    info = await api('GET', `/v1/pht/indexes/${segment(name, 'index name')}`);
  } catch (e) {
    if (e.status === 404) {
      $('#index-view').hidden = true;
      report(status, `no index named ${name}: create it below`, 'error');
      return;
    }
    throw e;
  }
  index = info;
  remember(info.name);
  report(status, '');
  $('#index-view').hidden = false;
  $('#index-view').dataset.index = info.name;
  pairs($('#index-info'), [['Index', info.name], ['Keyed by', info.type], ['Leaf capacity', info.leafCapacity],
    ['Key bits', info.keyBits], ...(info.type === 'string' ? [['Longest key', `${info.maxStringBytes} bytes`]] : [])]);
  const rect = info.type === 'point';
  const form = $('#range-form');
  form.querySelector('[data-shape="range"]').hidden = rect;
  form.querySelector('[data-shape="rect"]').hidden = !rect;
  form.querySelectorAll('[data-shape="range"] input').forEach(i => { i.disabled = rect; });
  form.querySelectorAll('[data-shape="rect"] input').forEach(i => { i.disabled = !rect; });
  $('#range-hint').textContent = KEY_HINTS[info.type];
  $('#range-table tbody').replaceChildren();
  $('#range-table tbody').dataset.empty = 'No query yet.';
  $('#range-more').hidden = true;
  report($('#range-status'), '');
  await indexStats();
}

async function indexStats() {
  const target = $('#index-stats');
  pairs(target, [['Walking the trie…', '']]);
  const s = await api('GET', `/v1/pht/indexes/${segment(index.name, 'index name')}/stats`);
  pairs(target, [['Depth', `${s.depth} bits`], ['Leaves', s.leaves], ['Internal nodes', s.internal],
    ['Entries', s.entries]]);
}

async function runQuery(fresh) {
  const rows = $('#range-table tbody');
  if (fresh) {
    const f = $('#range-form').elements;
    let lo;
    let hi;
    let kind = 'range';
    if (index.type === 'point') {
      const a = JSON.parse(keyJson('point', f.p1.value, 'corner'));
      const b = JSON.parse(keyJson('point', f.p2.value, 'opposite corner'));
      lo = `[${Math.min(a[0], b[0])},${Math.min(a[1], b[1])}]`;
      hi = `[${Math.max(a[0], b[0])},${Math.max(a[1], b[1])}]`;
      kind = 'rectangle';
    } else {
      lo = keyJson(index.type, f.lo.value, 'from');
      hi = keyJson(index.type, f.hi.value, 'to');
    }
    query = { path: `/v1/pht/indexes/${segment(index.name, 'index name')}/${kind}`, lo, hi, limit: f.limit.value,
      after: null, shown: 0 };
    rows.replaceChildren();
    rows.dataset.empty = index.type === 'point' ? 'No entry in that rectangle.' : 'No entry in that range.';
  }
  const q = new URLSearchParams({ lo: query.lo, hi: query.hi, limit: query.limit });
  if (query.after) q.set('after', query.after);
  const page = await api('GET', `${query.path}?${q}`);
  for (const entry of page.entries) {
    rows.append(el('tr', {}, el('td', {}, keyText(entry.key)),
      el('td', { class: 'json' }, el('span', { class: 'clip' }, show(entry.value)))));
  }
  query.shown += page.entries.length;
  query.after = page.next;
  $('#range-more').hidden = !page.next;
  report($('#range-status'), `${query.shown} ${query.shown === 1 ? 'entry' : 'entries'}`
    + (page.next ? '; more follow' : ''), 'ok');
}

function setupIndexes() {
  const pick = $('#index-form');
  const status = $('#index-status');
  pick.addEventListener('submit', e => {
    e.preventDefault();
    busy(pick, status, () => openIndex(pick.elements.index.value.trim()));
  });
  $('#index-stats-refresh').addEventListener('click', () =>
    indexStats().catch(e => report(status, e.message, 'error')));
  onFirstShow.indexes = () => suggestIndexes().catch(e => report(status, e.message, 'error'));

  const range = $('#range-form');
  const rangeStatus = $('#range-status');
  range.addEventListener('submit', e => {
    e.preventDefault();
    busy(range, rangeStatus, () => runQuery(true));
  });
  $('#range-more').addEventListener('click', () => busy(range, rangeStatus, () => runQuery(false)));

  const entry = $('#entry-form');
  const entryOut = $('#entry-result');
  entry.addEventListener('submit', e => {
    e.preventDefault();
    const action = e.submitter?.value || 'insert';
    busy(entry, entryOut, async () => {
      const f = entry.elements;
      const key = keyJson(index.type, f.key.value, 'key');
      const base = `/v1/pht/indexes/${segment(index.name, 'index name')}/entries`;
      if (action === 'insert') {
        const value = jsonText(f.value.value, 'the value');
        const a = await api('POST', base, `{"key":${key},"value":${value}}`);
        report(entryOut, a.added ? 'added' : 'the index held that entry already', 'ok');
      } else {
        const q = new URLSearchParams({ key });
        if (f.value.value.trim()) q.set('value', jsonText(f.value.value, 'the value'));
        const a = await api('DELETE', `${base}?${q}`);
        report(entryOut, `removed ${a.removed} ${a.removed === 1 ? 'entry' : 'entries'}`, 'ok');
      }
    });
  });

  const create = $('#create-form');
  const createOut = $('#create-result');
  const typed = () => {
    const string = create.elements.type.value === 'string';
    create.querySelector('[data-type="string"]').hidden = !string;
    create.elements.maxStringBytes.disabled = !string;
  };
  create.elements.type.addEventListener('change', typed);
  typed();
  create.addEventListener('submit', e => {
    e.preventDefault();
    busy(create, createOut, async () => {
      const f = create.elements;
      const definition = { type: f.type.value };
      if (f.leafCapacity.value) definition.leafCapacity = Number(f.leafCapacity.value);
      if (!f.maxStringBytes.disabled && f.maxStringBytes.value) definition.maxStringBytes = Number(f.maxStringBytes.value);
      const name = f.index.value.trim();
      const a = await api('PUT', `/v1/pht/indexes/${segment(name, 'index name')}`, JSON.stringify(definition));
      report(createOut, `index ${a.name}: keyed by ${a.type}, leaves of at most ${a.leafCapacity} entries`, 'ok');
      pick.elements.index.value = a.name;
      await openIndex(a.name);
    });
  });
}

// ------------------------------------------------------------------------------------------------------------ start

setupToken();
setupObjects();
setupMessages();
setupGlobals();
setupIndexes();
setupTabs();
poll();
