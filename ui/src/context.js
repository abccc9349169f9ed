// "Show context" for one line, as Grafana's log context does: the lines just before and after it in
// its own stream, fetched with two queries around its timestamp and shown in a panel under the line.
import { apiGet } from './api.js';
import { toEntries } from './entries.js';
import { firstSelector } from './logql.js';

const WINDOW_NS = 6n * 3600n * 1000000000n;   // how far each way to look
const PARSES = /\|\s*(json|logfmt|regexp|pattern|unpack|label_format)\b/;

const selectorOf = (labels) => `{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
const within = (sub, of) => Object.entries(sub).every(([k, v]) => of[k] === v);

// The stream selector for `e`: its labels, unless the query's parsers added labels of their own;
// then the query's selector, and lines are kept when their stream's labels are a subset of e's.
function contextSelector(e, query) {
  return PARSES.test(query) ? { selector: firstSelector(query), filter: true } : { selector: selectorOf(e.labels), filter: false };
}

async function side(selector, params, signal) {
  const res = await apiGet('loki/api/v1/query_range', { query: selector, ...params }, signal);
  return toEntries(res.data.result || []);
}

// { selector, rows: entries newest first with the target among them, target: its index }.
// `n` lines each side at most; lines sharing the target's timestamp stay beside it.
export async function fetchContext(e, query, n, signal) {
  const { selector, filter } = contextSelector(e, query);
  const t = BigInt(e.ts);
  const limit = filter ? n * 20 : n + 20;
  const [older, newer] = await Promise.all([
    side(selector, { start: String(t - WINDOW_NS), end: String(t + 1n), limit, direction: 'backward' }, signal),
    side(selector, { start: String(t), end: String(t + WINDOW_NS), limit, direction: 'forward' }, signal),
  ]);
  const keep = (x) => !filter || within(x.labels, e.labels);
  // Lines stamped as the target are in both answers: once each, the target itself first.
  const seen = new Set();
  const same = [e];
  let targetSeen = false;
  for (const x of older.concat(newer)) {
    if (BigInt(x.ts) !== t || !keep(x)) continue;
    const key = `${x.line}\u0000${selectorOf(x.labels)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!targetSeen && x.line === e.line && within(x.labels, e.labels)) targetSeen = true;
    else same.push(x);
  }
  const before = older.filter((x) => BigInt(x.ts) < t && keep(x)).slice(0, n);
  const after = newer.filter((x) => BigInt(x.ts) > t && keep(x)).slice(-n);
  const rows = after.concat(same, before);   // toEntries sorted each side newest first
  return { selector, rows, target: rows.indexOf(e), before: before.length, after: after.length };
}
