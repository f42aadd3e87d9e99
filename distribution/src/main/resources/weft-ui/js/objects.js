// The Objects tab: pages of the objects this node holds, counts per namespace, and get / put / delete by key.

import { api } from './api.js';
import { $, busy, el, report } from './dom.js';
import { jsonText, plural, pretty, segment, show } from './format.js';
import { onFirstShow } from './tabs.js';

/** Objects read, at most, to count namespaces: the store has no list of them, only pages of objects. */
const NAMESPACE_SCAN_CAP = 10000;
/** Pages read, at most, per click when a key filter skips most objects. */
const FILTER_PAGES = 20;

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

export function setupObjects() {
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
