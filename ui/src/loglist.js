// A virtualized list of log lines (newest first): only the rows in view exist in the DOM, so tens of
// thousands of lines scroll smoothly. A row shows time, level and the line folded to one line;
// clicking it opens the full line, the stream's labels and the parsed fields.
import { renderAnsi } from './ansi.js';
import { parseFields } from './fields.js';
import { formatTime } from './time.js';

const ROW = 22;
const OVERSCAN = 10;

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
  constructor(root, { onContext } = {}) {
    this.root = root;
    this.root.classList.add('loglist');
    this.root.tabIndex = 0;
    this.spacer = el('div', 'spacer');
    this.root.append(this.spacer);
    this.entries = [];
    this.open = new Set();
    this.heights = new Map();
    this.showLabels = false;
    this.onContext = onContext;
    this.root.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.root);
  }

  setEntries(entries) {
    this.entries = entries;
    this.open.clear();
    this.heights.clear();
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
    const ctx = el('button', '', 'Show context');
    ctx.title = 'Lines of the same stream around this one';
    ctx.addEventListener('click', (ev) => { ev.stopPropagation(); this.onContext?.(e); });
    const copy = el('button', '', 'Copy line');
    copy.addEventListener('click', (ev) => { ev.stopPropagation(); navigator.clipboard?.writeText(e.line); });
    actions.append(ctx, copy);
    d.append(actions);
    return d;
  }
}
