// Label names and values from the store (cached for 30 s per range), for completion and the label
// browser, and the browser itself: pick a name, then a value, and the selector is written for you.
import { apiGet } from './api.js';
import { resolveTime, toNs } from './time.js';

const TTL_MS = 30000;

export class Labels {
  constructor(getState) { this.getState = getState; this.cache = new Map(); }

  async cached(key, fetcher) {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = fetcher().then((r) => r.data || [], () => []);
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  params() {
    const s = this.getState(), now = Date.now();
    return { start: toNs(resolveTime(s.from, now)), end: toNs(resolveTime(s.to, now)) };
  }

  names() { return this.cached('names', () => apiGet('loki/api/v1/labels', this.params())); }

  values(name) {
    return this.cached(`v:${name}`, () => apiGet(`loki/api/v1/label/${encodeURIComponent(name)}/values`, this.params()));
  }
}

// `{a="1"}` + b="2" → `{a="1", b="2"}`; an empty query becomes `{b="2"}`.
export function addMatcher(query, name, value) {
  const m = `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const q = query.trim();
  if (!q) return `{${m}}`;
  const close = q.indexOf('}');
  if (q.startsWith('{') && close > 0) {
    const inner = q.slice(1, close).trim();
    return `{${inner ? `${inner}, ` : ''}${m}}${q.slice(close + 1)}`;
  }
  return `{${m}} ${q}`;
}

function chip(text, onClick) {
  const b = document.createElement('button');
  b.className = 'chip';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

export async function openLabelBrowser(ui, labels, onPick) {
  ui.labelNames.textContent = '';
  ui.labelValues.textContent = '';
  for (const name of await labels.names()) {
    ui.labelNames.append(chip(name, async () => {
      ui.labelValues.textContent = '';
      for (const v of (await labels.values(name)).slice(0, 500)) ui.labelValues.append(chip(v, () => onPick(name, v)));
    }));
  }
  if (!ui.labelNames.childElementCount) ui.labelNames.textContent = 'No labels in this time range.';
}
