// The page's skeleton (static markup only; data is always inserted with textContent) and the
// handles the views use.
import { RELATIVE } from './time.js';

const TEMPLATE = `
<header class="top">
  <span class="brand">Skald</span>
  <nav class="tabs" role="tablist">
    <button role="tab" data-view="logs">Logs</button>
    <button role="tab" data-view="live">Live tail</button>
    <button role="tab" data-view="patterns">Patterns</button>
  </nav>
  <span class="grow"></span>
  <input id="org" class="org" placeholder="tenant (optional)" title="X-Scope-OrgID sent with every request" size="12">
  <button id="theme" title="Light / dark theme">◐</button>
</header>
<section class="querybar">
  <div id="editor" class="editor"></div>
  <div class="controls">
    <select id="range" title="Time range"></select>
    <span id="absolute" class="absolute" hidden>
      <input id="from" type="datetime-local" step="1" aria-label="From">
      <input id="to" type="datetime-local" step="1" aria-label="To">
    </span>
    <select id="limit" title="Lines at most">
      <option>100</option><option>1000</option><option>5000</option><option>20000</option>
    </select>
    <select id="history" title="Query history"><option value="">History…</option></select>
    <button id="labels-btn" title="Pick labels to build the selector">Labels</button>
    <button id="run" class="primary" title="Run (Ctrl/Cmd+Enter)">Run</button>
  </div>
  <div id="label-browser" class="label-browser" hidden>
    <div id="label-names" class="chips"></div>
    <div id="label-values" class="chips"></div>
  </div>
</section>
<div id="status" class="status" role="status"></div>
<main>
  <section id="view-logs" class="view">
    <div id="histogram" class="histogram"></div>
    <div class="toolbar">
      <label><input type="checkbox" id="show-labels"> labels</label>
      <span id="count" class="muted"></span>
    </div>
    <div id="results" class="results"></div>
    <div id="metric" class="metric" hidden>
      <div id="metric-graph"></div>
      <div id="metric-table"></div>
    </div>
  </section>
  <section id="view-live" class="view" hidden>
    <div class="toolbar">
      <button id="tail-start" class="primary">Start</button>
      <button id="tail-pause" disabled>Pause</button>
      <span id="tail-rate" class="muted">stopped</span>
    </div>
    <div id="tail-list" class="results"></div>
  </section>
  <section id="view-patterns" class="view" hidden>
    <div id="patterns" class="patterns"></div>
  </section>
</main>`;

export function buildLayout(root) {
  root.innerHTML = TEMPLATE;
  const $ = (id) => root.querySelector(`#${id}`);
  const range = $('range');
  for (const r of RELATIVE) range.append(new Option(`Last ${r}`, `now-${r}`));
  range.append(new Option('Absolute…', 'absolute'));
  const ids = ['org', 'theme', 'editor', 'range', 'absolute', 'from', 'to', 'limit', 'history', 'labels-btn', 'run',
    'label-browser', 'label-names', 'label-values', 'status', 'view-logs', 'histogram', 'show-labels', 'count',
    'results', 'metric', 'metric-graph', 'metric-table', 'view-live', 'tail-start', 'tail-pause', 'tail-rate',
    'tail-list', 'view-patterns', 'patterns'];
  const ui = Object.fromEntries(ids.map((id) => [id.replace(/-(\w)/g, (_, c) => c.toUpperCase()), $(id)]));
  ui.tabs = [...root.querySelectorAll('.tabs button')];
  return ui;
}
