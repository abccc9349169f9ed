// The whole UI state (query, range, view, limit, tenant) and its round trip through the URL's
// query string, so a link reproduces what the sender saw.
const DEFAULTS = { q: '', from: 'now-1h', to: 'now', view: 'logs', limit: '1000', org: '' };
export const VIEWS = ['logs', 'live', 'patterns'];

export function readState(search = window.location.search) {
  const p = new URLSearchParams(search);
  const s = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS)) if (p.has(k)) s[k] = p.get(k);
  if (!VIEWS.includes(s.view)) s.view = 'logs';
  return s;
}

export function stateSearch(s) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (k in DEFAULTS && v !== DEFAULTS[k] || k === 'q') p.set(k, v);
  return `?${p.toString()}`;
}

// push: a new history entry (a run); otherwise the current one is replaced (typing, toggles).
export function writeState(s, push) {
  const search = stateSearch(s);
  if (search === window.location.search) return;
  const url = `${window.location.pathname}${search}`;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
