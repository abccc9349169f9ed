// Query history: the last 50 queries run, newest first, in localStorage, offered in a select.
const KEY = 'skald.history';
const MAX = 50;

export function loadHistory() {
  try { return JSON.parse(localStorage.getItem(KEY) || '[]').filter((q) => typeof q === 'string'); } catch (e) { return []; }
}

export function addHistory(q) {
  const list = [q, ...loadHistory().filter((x) => x !== q)].slice(0, MAX);
  localStorage.setItem(KEY, JSON.stringify(list));
}

export function fillHistory(select) {
  while (select.options.length > 1) select.remove(1);
  for (const q of loadHistory()) select.append(new Option(q.length > 80 ? `${q.slice(0, 77)}…` : q, q));
}
