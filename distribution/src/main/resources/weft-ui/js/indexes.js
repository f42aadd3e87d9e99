// The Indexes tab: PHT range indexes (docs/pht.md) — open or create one, its trie figures, range queries, entries.

import { api } from './api.js';
import { $, busy, el, report } from './dom.js';
import { jsonText, segment, show } from './format.js';
import { onFirstShow } from './tabs.js';

const INDEXES_KEY = 'weft.ui.indexes';

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

export function setupIndexes() {
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
