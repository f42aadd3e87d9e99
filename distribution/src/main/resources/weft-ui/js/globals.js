// The Globals tab: the replicated globals (docs/schema.md), their changes live, and set / remove.

import { api, follow } from './api.js';
import { $, busy, el, report } from './dom.js';
import { clock, jsonText, plural, pretty, segment, show } from './format.js';

const MAX_CHANGES = 200;

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

export function setupGlobals() {
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
