// The Query tab: SQL against the network (POST /v1/sql, docs/query.md), its answer as a table with how complete it
// is, the plan (EXPLAIN PLAN FOR), a history of statements kept in this browser, and a live mode (POST /v1/sql/watch)
// that keeps the table current as rows change.

import { api, stream } from './api.js';
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

function showRows(columns, rows) {
  const table = $('#sql-table');
  table.tHead.replaceChildren(el('tr', {}, ...columns.map(c => el('th', { scope: 'col', title: c.type }, c.name))));
  table.tBodies[0].replaceChildren(...rows.map(row => el('tr', {},
    ...row.map(v => el('td', {}, v === null ? el('em', {}, 'NULL') : typeof v === 'string' ? v : show(v))))));
  table.hidden = false;
}

function showResult(answer, ms) {
  const table = $('#sql-table');
  const status = $('#sql-status');
  if (answer.columns) {
    showRows(answer.columns, answer.rows);
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

/** The live query shown now: its AbortController, or null. */
let live = null;

function stopLive() {
  if (live) {
    live.abort();
    live = null;
  }
  $('#sql-stop').hidden = true;
}

/**
 * Live mode: the answer, then each change applied to the table as it comes (rows that left are taken out, rows that
 * entered are added at the end), until Stop, another statement, or an error that ends the watch.
 */
async function watch(statement) {
  stopLive();
  const controller = new AbortController();
  live = controller;
  const status = $('#sql-status');
  const key = row => JSON.stringify(row.map(v => v === null ? null : String(v)));
  let columns = [];
  let rows = [];
  let changes = 0;
  const shown = coverage => report(status, `live · ${plural(rows.length, 'row')} · ${plural(changes, 'change')}`
    + ` · ${coverageText(coverage)}`, coverage && !coverage.complete ? 'error' : 'ok');
  $('#sql-stop').hidden = false;
  remember(statement);
  try {
    await stream('/v1/sql/watch', JSON.stringify({ sql: statement }), event => {
      if (live !== controller) return;
      if (event.type === 'answer') {
        columns = event.columns;
        rows = event.rows.slice();
        showRows(columns, rows);
        shown(event.coverage);
      } else if (event.type === 'change') {
        for (const gone of event.removed) {
          const at = rows.findIndex(r => key(r) === key(gone));
          if (at >= 0) rows.splice(at, 1);
        }
        rows.push(...event.added);
        changes++;
        showRows(columns, rows);
        shown(event.coverage);
      } else if (event.type === 'error') {
        report(status, `${event.closed ? 'stopped' : 'live'}: ${event.error.message}`, 'error');
        if (event.closed) stopLive();
      }
    }, controller.signal);
    if (live === controller) {
      report(status, 'the node ended the live query', 'error');
    }
  } catch (e) {
    if (live === controller && e.name !== 'AbortError') {
      report(status, e.message, 'error');
    }
  } finally {
    if (live === controller) stopLive();
  }
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
    const which = e.submitter && e.submitter.value;
    if (which === 'live') {
      watch(statement);  // runs until stopped: not a busy form
      return;
    }
    stopLive();
    const action = which === 'explain' ? explain : run;
    busy(form, status, () => action(statement));
  });
  $('#sql-stop').addEventListener('click', () => {
    stopLive();
    report(status, 'live query stopped', 'ok');
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
