// Loki "streams" results → flat entries for the list, newest first.
import { detectLevel } from './fields.js';

let nextId = 1;

const byTimeDesc = (a, b) => (b.ts.length - a.ts.length) || (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0);

export function toEntries(streams) {
  const out = [];
  for (const s of streams) {
    const labels = s.stream || {};
    for (const v of s.values) {
      out.push({ id: nextId++, ts: v[0], ms: Number(v[0].slice(0, -6)) + Number(v[0].slice(-6)) / 1e6,
        line: v[1], labels, level: detectLevel(labels, v[1]) });
    }
  }
  return out.sort(byTimeDesc);
}
