// The Node tab: this node's identity, contacts, RPC figures and charts, polled every few seconds.

import { api } from './api.js';
import { drawChart, WINDOW_MS } from './chart.js';
import { $, el } from './dom.js';
import { ago, bytes, clock, count, plural } from './format.js';

const POLL_MS = 5000;

/** What the page knows of the node: its id and its contacts. */
const state = { id: null, peers: [] };

/** A node id as shown in tables: short, or 'this node'. */
export function shortId(id) {
  return id === state.id ? 'this node' : `${id.slice(0, 10)}…`;
}


/** Samples of the last WINDOW_MS: {t, rpcs, lookups, stored, bytesIn, bytesOut}, oldest first. */
const samples = [];

function setStatus(text, error) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', Boolean(error));
}

export async function poll() {
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
