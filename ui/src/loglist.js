// A virtualized list of log lines (newest first): only the rows in view exist in the DOM, so tens of
// thousands of lines scroll smoothly. A row shows time, level and the line folded to one line;
// clicking it opens the full line, the stream's labels, the parsed fields and, on demand, an
// inline panel of the lines around it in its stream (context.js).
import { renderAnsi, stripAnsi } from './ansi.js';
import { parseFields } from './fields.js';
import { formatTime } from './time.js';

const ROW = 22;
const OVERSCAN = 10;
const CONTEXT_LINES = 10;       // each side, first; "More lines" adds as many again
const CONTEXT_MAX = 100;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function labelText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ');
}

function table(rows, cls) {
  const t = el('table', cls);
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('th', '', k), el('td', '', v));
    t.append(tr);
  }
  return t;
}

export class LogList {
  // loadContext(entry, n, signal) → Promise<{selector, rows, target, before, after}> (context.js);
  // onContextQuery(entry, selector): open the context as a query of its own.
  constructor(root, { loadContext, onContextQuery } = {}) {
    this.root = root;
    this.root.classList.add('loglist');
    this.root.tabIndex = 0;
    this.spacer = el('div', 'spacer');
    this.root.append(this.spacer);
    this.entries = [];
    this.open = new Set();
    this.heights = new Map();
    this.showLabels = false;
    this.contexts = new Map();   // entry id → { n, state: loading|ready|error, data, error, ctrl }
    this.loadContext = loadContext;
    this.onContextQuery = onContextQuery;
    this.root.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.root);
  }

  setEntries(entries) {
    this.entries = entries;
    this.open.clear();
    this.heights.clear();
    for (const c of this.contexts.values()) c.ctrl.abort();
    this.contexts.clear();
    this.root.scrollTop = 0;
    this.layout();
  }

  // Adds newer entries on top, keeping at most `max`.
  prepend(entries, max) {
    this.entries = entries.concat(this.entries).slice(0, max);
    this.layout();
  }

  setShowLabels(on) { this.showLabels = on; this.render(); }

  layout() {
    const n = this.entries.length;
    this.offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) this.offsets[i + 1] = this.offsets[i] + (this.heights.get(this.entries[i].id) ?? ROW);
    this.spacer.style.height = `${this.offsets[n]}px`;
    this.render();
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; this.render(); });
  }

  indexAt(y) {
    let lo = 0, hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid + 1] <= y) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  render() {
    for (const r of this.root.querySelectorAll(':scope > .row')) r.remove();
    const top = this.root.scrollTop, bottom = top + this.root.clientHeight;
    const first = Math.max(0, this.indexAt(top) - OVERSCAN);
    const frag = document.createDocumentFragment();
    const shown = [];
    for (let i = first; i < this.entries.length && this.offsets[i] < bottom + OVERSCAN * ROW; i++) {
      const row = this.row(this.entries[i], i);
      shown.push([row, this.entries[i]]);
      frag.append(row);
    }
    this.root.append(frag);
    if (this.root.offsetParent === null) return;   // hidden: nothing to measure
    let changed = false;
    for (const [row, e] of shown) {
      const h = this.open.has(e.id) ? row.offsetHeight : ROW;
      if ((this.heights.get(e.id) ?? ROW) !== h) { this.heights.set(e.id, h); changed = true; }
    }
    if (changed) this.layout();
  }

  row(e, i) {
    const r = el('div', `row level-${e.level}${this.open.has(e.id) ? ' open' : ''}`);
    r.style.top = `${this.offsets[i]}px`;
    r.dataset.index = i;
    const head = el('div', 'head');
    head.append(el('span', 'ts', formatTime(e.ms)), el('span', `lvl lvl-${e.level}`, e.level));
    if (this.showLabels) head.append(el('span', 'labels', labelText(e.labels)));
    const line = el('span', 'line');
    renderAnsi(line, e.line);
    head.append(line);
    head.addEventListener('click', () => this.toggle(e));
    r.append(head);
    if (this.open.has(e.id)) r.append(this.details(e));
    return r;
  }

  toggle(e) {
    if (this.open.has(e.id)) { this.open.delete(e.id); this.heights.delete(e.id); } else this.open.add(e.id);
    this.layout();
  }

  details(e) {
    const d = el('div', 'details');
    const full = el('pre', 'full');
    renderAnsi(full, e.line);
    d.append(full, el('h4', '', 'Stream labels'), table(Object.entries(e.labels), 'kv labels-table'));
    const parsed = parseFields(e.line);
    if (parsed) d.append(el('h4', '', `Fields (${parsed.format})`), table(parsed.fields, 'kv fields-table'));
    const actions = el('div', 'actions');
    const ctx = el('button', 'show-context', this.contexts.has(e.id) ? 'Hide context' : 'Show context');
    ctx.title = 'The lines before and after this one in its stream';
    ctx.addEventListener('click', (ev) => { ev.stopPropagation(); this.toggleContext(e); });
    const copy = el('button', '', 'Copy line');
    copy.addEventListener('click', (ev) => { ev.stopPropagation(); navigator.clipboard?.writeText(e.line); });
    actions.append(ctx, copy);
    d.append(actions);
    if (this.contexts.has(e.id)) d.append(this.contextPanel(e, this.contexts.get(e.id)));
    return d;
  }

  toggleContext(e) {
    const c = this.contexts.get(e.id);
    if (c) { c.ctrl.abort(); this.contexts.delete(e.id); this.heights.delete(e.id); this.layout(); return; }
    this.fetchContext(e, CONTEXT_LINES);
  }

  async fetchContext(e, n) {
    this.contexts.get(e.id)?.ctrl.abort();
    const c = { n, state: 'loading', data: this.contexts.get(e.id)?.data, ctrl: new AbortController() };
    this.contexts.set(e.id, c);
    this.layout();
    try {
      c.data = await this.loadContext(e, n, c.ctrl.signal);
      c.state = 'ready';
    } catch (err) {
      if (err.name === 'AbortError') return;
      c.state = 'error';
      c.error = err.message;
    }
    if (this.contexts.get(e.id) === c) this.layout();
  }

  contextPanel(e, c) {
    const p = el('div', 'context');
    p.dataset.state = c.state;
    p.addEventListener('click', (ev) => ev.stopPropagation());
    const bar = el('div', 'context-bar');
    const d = c.data;
    bar.append(el('span', 'muted', c.state === 'error' ? `Context unavailable: ${c.error}` :
      d ? `${d.after} newer and ${d.before} older lines in ${d.selector}` : 'Loading context…'));
    const more = el('button', 'context-more', 'More lines');
    more.disabled = c.state === 'loading' || c.n >= CONTEXT_MAX || (d && d.before < c.n && d.after < c.n);
    more.addEventListener('click', () => this.fetchContext(e, Math.min(CONTEXT_MAX, c.n + CONTEXT_LINES)));
    const query = el('button', '', 'Open as query');
    query.title = 'Search this stream around the line (±2 minutes)';
    query.disabled = !d;
    query.addEventListener('click', () => this.onContextQuery?.(e, d.selector));
    bar.append(more, query);
    p.append(bar);
    if (!d) return p;
    const rows = el('div', 'context-rows');
    d.rows.forEach((x, i) => {
      const r = el('div', `ctx-row level-${x.level}${i === d.target ? ' ctx-target' : ''}`);
      r.append(el('span', 'ts', formatTime(x.ms)), el('span', `lvl lvl-${x.level}`, x.level));
      const line = el('span', 'line');
      renderAnsi(line, x.line);
      line.title = stripAnsi(x.line.length > 2000 ? `${x.line.slice(0, 2000)}…` : x.line);
      r.append(line);
      rows.append(r);
    });
    p.append(rows);
    return p;
  }
}
