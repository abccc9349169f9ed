// The lines the browser test pushes (JSON push API) and the answers it expects: logfmt lines of
// container "api", ANSI-coloured lines of "worker" (one pattern), JSON lines of "web".
'use strict';

const NOW = Date.now();
const SPAN_MS = 50 * 60 * 1000;   // spread over the last 50 minutes of the default 1 h range
const API_LINES = 240;
const WORKER_LINES = 120;
const LEVELS = ['info', 'info', 'info', 'warn', 'error', 'debug'];

const apiTimes = [];
for (let i = 0; i < API_LINES; i++) apiTimes.push(NOW - SPAN_MS + Math.floor((i * SPAN_MS) / API_LINES));
const apiLine = (i) => `level=${LEVELS[i % 6]} msg="GET /api/users/${i}" status=${i % 7 ? 200 : 500} duration=${i % 50}ms`;

function stream(labels, values) {
  return { stream: { job: 'uitest', ...labels }, values: values.map(([ms, line]) => [`${ms}000000`, line]) };
}

function streams() {
  const api = {};
  apiTimes.forEach((t, i) => { (api[LEVELS[i % 6]] ||= []).push([t, apiLine(i)]); });
  const out = Object.entries(api).map(([level, v]) => stream({ container: 'api', level }, v));
  const worker = [], web = [];
  for (let i = 0; i < WORKER_LINES; i++) {
    const t = NOW - SPAN_MS + i * 20000 + 7;
    worker.push([t, `\x1b[32mprocessed\x1b[0m job ${1000 + i} in ${i % 90}ms`]);
    web.push([t + 3, JSON.stringify({ level: 'info', path: `/page/${i}`, user: { id: i, name: `u${i}` } })]);
  }
  out.push(stream({ container: 'worker' }, worker), stream({ container: 'web' }, web));
  return out;
}

async function push(store, s) {
  const res = await fetch(`${store}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ streams: s }) });
  if (res.status !== 204) throw new Error(`push answered ${res.status}: ${await res.text()}`);
}

module.exports = {
  API_QUERY: '{job="uitest", container="api"}',
  WORKER_QUERY: '{job="uitest", container="worker"}',
  TAIL_QUERY: '{job="uitest", container="tail"}',
  API_LINES,
  WORKER_LINES,
  stream,
  push,
  fill: (store) => push(store, streams()),
  newestApiLine: () => apiLine(API_LINES - 1),
  // The context of api line `text` (its stream is its level's): up to n lines each side, newest first.
  apiContext: (text, n) => {
    const i = Array.from({ length: API_LINES }, (_, k) => k).find((k) => apiLine(k) === text);
    if (i === undefined) return null;
    const stream = Array.from({ length: API_LINES }, (_, k) => k).filter((k) => LEVELS[k % 6] === LEVELS[i % 6]);
    const at = stream.indexOf(i);
    return { after: stream.slice(at + 1, at + 1 + n).reverse().map(apiLine),
      before: stream.slice(Math.max(0, at - n), at).reverse().map(apiLine) };
  },
  // Lines of "api" stamped in [fromMs, toMs).
  apiLinesBetween: (fromMs, toMs) => apiTimes.filter((t) => t >= fromMs && t < toMs).length,
};
