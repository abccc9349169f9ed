// The Patterns view: the store's /loki/api/v1/patterns for the query's stream selector, most
// frequent first, with a count and a sparkline per pattern.
import { apiGet } from './api.js';
import { stripAnsi } from './ansi.js';
import { sparkline } from './charts.js';
import { firstSelector } from './logql.js';
import { resolveTime, stepSeconds, toNs } from './time.js';

export async function runPatterns(ui, state, status) {
  ui.patterns.textContent = '';
  const selector = firstSelector(state.q);
  if (!selector) { status('Patterns need a stream selector, e.g. {job="docker"}', true); return; }
  const now = Date.now();
  const startMs = resolveTime(state.from, now), endMs = resolveTime(state.to, now);
  const stepS = stepSeconds(startMs, endMs, 60);
  status('Mining patterns…');
  try {
    const res = await apiGet('loki/api/v1/patterns', { query: selector, start: toNs(startMs), end: toNs(endMs), step: stepS });
    const rows = (res.data || []).map((p) => ({ ...p, total: p.samples.reduce((n, [, c]) => n + Number(c), 0) }))
      .sort((a, b) => b.total - a.total);
    ui.patterns.append(patternTable(rows, startMs / 1000, endMs / 1000));
    ui.patterns.dataset.count = rows.length;
    status(`${rows.length} patterns for ${selector}`);
  } catch (e) {
    status(e.message, true);
  }
}

function patternTable(rows, startS, endS) {
  const table = document.createElement('table');
  table.className = 'pattern-table';
  const head = table.createTHead().insertRow();
  for (const h of ['Count', 'Trend', 'Level', 'Pattern']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  for (const p of rows) {
    const tr = body.insertRow();
    tr.insertCell().textContent = String(p.total);
    tr.insertCell().append(sparkline(p.samples, startS, endS));
    tr.insertCell().textContent = p.level || '';
    const cell = tr.insertCell();
    cell.className = 'pattern';
    cell.textContent = stripAnsi(p.pattern);
    cell.title = p.pattern;
  }
  return table;
}
