// The Query tab: SQL against the network (POST /v1/sql, docs/query.md), its answer as a table with how complete it
// is, the plan (EXPLAIN PLAN FOR), and a history of statements kept in this browser.

import { api } from './api.js';
import { $, busy, el, report } from './dom.js';
import { plural, show } from './format.js';

const HISTORY_KEY = 'weft.ui.sql-history';
const MAX_HISTORY = 50;

function history() {
  try {
    const saved = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    return Array.isArray(saved) ? saved.filter(s => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

function remember(statement) {
  const kept = [statement, ...history().filter(s => s !== statement)].slice(0, MAX_HISTORY);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(kept));
  } catch {
    // storage full or disabled: the history is a convenience
  }
  showHistory();
}

function showHistory() {
  const select = $('#sql-history');
  const items = history();
  select.replaceChildren(el('option', { value: '' }, items.length ? `History (${items.length})` : 'No history yet'),
    ...items.map(s => el('option', { value: s }, s.length > 80 ? `${s.slice(0, 79)}…` : s)));
  select.disabled = items.length === 0;
}

/** How complete an answer is, in words: the nodes that answered out of those that had to. */
function coverageText(c) {
  if (!c) return '';
  return c.complete ? `complete (${c.answered} of ${c.nodes} nodes answered)`
    : `INCOMPLETE: ${c.answered} of ${c.nodes} nodes answered`;
}

function showResult(answer, ms) {
  const table = $('#sql-table');
  const status = $('#sql-status');
  if (answer.columns) {
    table.tHead.replaceChildren(el('tr', {}, ...answer.columns.map(c =>
      el('th', { scope: 'col', title: c.type }, c.name))));
    table.tBodies[0].replaceChildren(...answer.rows.map(row => el('tr', {},
      ...row.map(v => el('td', {}, v === null ? el('em', {}, 'NULL') : typeof v === 'string' ? v : show(v))))));
    table.hidden = false;
    report(status, `${plural(answer.rows.length, 'row')} in ${ms} ms · ${coverageText(answer.coverage)}`,
      answer.coverage && !answer.coverage.complete ? 'error' : 'ok');
  } else {
    table.hidden = true;
    report(status, `${plural(answer.updated, 'row')} changed in ${ms} ms`, 'ok');
  }
}

async function run(statement) {
  const started = performance.now();
  const answer = await api('POST', '/v1/sql', JSON.stringify({ sql: statement }));
  remember(statement);
  showResult(answer, Math.round(performance.now() - started));
}

async function explain(statement) {
  const answer = await api('POST', '/v1/sql', JSON.stringify({ sql: `EXPLAIN PLAN FOR ${statement}` }));
  $('#sql-plan').textContent = answer.rows.map(r => r[0]).join('\n');
  $('#sql-plan-block').hidden = false;
}

export function setupQuery() {
  const form = $('#sql-form');
  const input = form.elements.sql;
  const status = $('#sql-status');
  showHistory();
  form.addEventListener('submit', e => {
    e.preventDefault();
    const statement = input.value.trim();
    if (!statement) return;
    const action = e.submitter && e.submitter.value === 'explain' ? explain : run;
    busy(form, status, () => action(statement));
  });
  // Ctrl-Enter (Cmd-Enter on a Mac) runs the statement from the editor.
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit(form.elements.run);
    }
  });
  $('#sql-history').addEventListener('change', e => {
    if (e.target.value) {
      input.value = e.target.value;
      input.focus();
    }
    e.target.selectedIndex = 0;
  });
}
