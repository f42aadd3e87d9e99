// The Messages tab: what reaches this node, live, and a form to send to a node, a key or everyone.

import { api, follow } from './api.js';
import { $, busy, el, report } from './dom.js';
import { clock, jsonText, segment, show } from './format.js';
import { shortId } from './node.js';
import { onShow } from './tabs.js';

const MAX_MESSAGES = 500;

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

export function setupMessages() {
  onShow.messages = () => {
    unseenMessages = 0;
    updateBadge();
  };
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
