// The UI's entry point: wires the query bar, time range, tabs, theme and history to the state in
// the URL and runs the current view. window.skaldUi exposes timings to the browser tests.
import './style.css';
import { setTenant } from './api.js';
import { fetchContext } from './context.js';
import { createEditor } from './editor.js';
import { buildLayout } from './layout.js';
import { Labels, addMatcher, openLabelBrowser } from './labels.js';
import { LogList } from './loglist.js';
import { prefetchLines } from './first_lines.js';
import { LogsView } from './logs_view.js';
import { queryKind } from './logql.js';
import { runPatterns } from './patterns_view.js';
import { readState, writeState } from './state.js';
import { TailView } from './tail_view.js';
import { initTheme, toggleTheme } from './theme.js';
import { addHistory, fillHistory } from './history.js';
import { resolveTime, toLocalInput } from './time.js';

performance.mark('skald-main');   // the bundle has been fetched and parsed (first-results bench)
window.skaldUi = { lastRun: null };
const state = readState();
setTenant(state.org);
prefetchLines(state);   // unless boot.js sent it already: before the page is built
const ui = buildLayout(document.getElementById('app'));
initTheme();

function status(text, error = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

const labels = new Labels(() => state);
const editor = createEditor(ui.editor, {
  doc: state.q, labels, onRun: () => run(true),
  onChange: (q) => { state.q = q; writeState(state, false); },
});
const logs = new LogsView(ui, new LogList(ui.results, {
  loadContext: (e, n, signal) => fetchContext(e, logs.query, n, signal), onContextQuery: contextQuery,
}), { onZoom: zoom, status });
const tail = new TailView(ui, new LogList(ui.tailList), status);

function zoom(fromMs, toMs) {
  state.from = String(Math.floor(fromMs));
  state.to = String(Math.ceil(toMs));
  syncControls();
  run(true);
}

// "Open as query" from a line's context panel: its stream, ±2 minutes around it.
function contextQuery(e, selector) {
  state.q = selector;
  editor.value = selector;
  zoom(e.ms - 120000, e.ms + 120000);
}

function syncControls() {
  const relative = state.to === 'now' && [...ui.range.options].some((o) => o.value === state.from);
  ui.range.value = relative ? state.from : 'absolute';
  ui.absolute.hidden = relative;
  ui.from.value = toLocalInput(resolveTime(state.from));
  ui.to.value = toLocalInput(resolveTime(state.to));
  ui.limit.value = state.limit;
  ui.org.value = state.org;
  for (const t of ui.tabs) t.setAttribute('aria-selected', String(t.dataset.view === state.view));
  for (const v of ['logs', 'live', 'patterns']) ui[`view${v[0].toUpperCase()}${v.slice(1)}`].hidden = v !== state.view;
}

function run(push) {
  state.q = editor.value;
  writeState(state, push);
  if (push && queryKind(state.q) !== 'invalid') { addHistory(state.q); fillHistory(ui.history); }
  syncControls();
  if (state.view !== 'live') tail.stop();
  if (state.view === 'logs') logs.run(state);
  else if (state.view === 'live') tail.start(state.q);
  else runPatterns(ui, state, status);
}

ui.run.addEventListener('click', () => run(true));
ui.range.addEventListener('change', () => {
  if (ui.range.value === 'absolute') { ui.absolute.hidden = false; return; }
  state.from = ui.range.value;
  state.to = 'now';
  run(true);
});
for (const input of [ui.from, ui.to]) {
  input.addEventListener('change', () => {
    const a = new Date(ui.from.value).getTime(), b = new Date(ui.to.value).getTime();
    if (Number.isFinite(a) && Number.isFinite(b) && a < b) { state.from = String(a); state.to = String(b); run(true); }
  });
}
ui.limit.addEventListener('change', () => { state.limit = ui.limit.value; run(true); });
ui.org.addEventListener('change', () => { state.org = ui.org.value.trim(); setTenant(state.org); run(true); });
ui.history.addEventListener('change', () => {
  if (ui.history.value) { editor.value = ui.history.value; run(true); }
  ui.history.value = '';
});
ui.showLabels.addEventListener('change', () => logs.list.setShowLabels(ui.showLabels.checked));
ui.theme.addEventListener('click', () => { toggleTheme(); if (state.view === 'logs') logs.run(state); });
ui.labelsBtn.addEventListener('click', () => {
  ui.labelBrowser.hidden = !ui.labelBrowser.hidden;
  if (!ui.labelBrowser.hidden) {
    openLabelBrowser(ui, labels, (n, v) => { editor.value = addMatcher(editor.value, n, v); editor.focus(); });
  }
});
for (const t of ui.tabs) t.addEventListener('click', () => { state.view = t.dataset.view; run(true); });
window.addEventListener('popstate', () => {
  Object.assign(state, readState());
  editor.value = state.q;
  setTenant(state.org);
  run(false);
});

fillHistory(ui.history);
syncControls();
if (state.q) run(false); else { status('Type a LogQL query, e.g. {job="docker"}, and press Ctrl/Cmd+Enter'); editor.focus(); }
