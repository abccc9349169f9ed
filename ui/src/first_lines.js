// The first results' request, sent as early as the page can: by boot.js before the bundle is parsed
// (or by main.js), kept on window for LogsView.run() to take when its query and range are the same.
import { apiGet } from './api.js';
import { resolveTime, toNs } from './time.js';

export function rangeOf(state) {
  const now = Date.now();
  const startMs = resolveTime(state.from, now), endMs = resolveTime(state.to, now);
  return { startMs, endMs, startS: Math.floor(startMs / 1000), endS: Math.floor(endMs / 1000) };
}

export const linesParams = (state, r) => ({ query: state.q, start: toNs(r.startMs), end: toNs(r.endMs),
  limit: state.limit, direction: 'backward' });

const keyOf = (s) => JSON.stringify([s.q, s.from, s.to, s.limit, s.org]);

// A log query always starts with its stream selector; anything else waits for the full check.
export function prefetchLines(state) {
  if (window.skaldFirstLines || state.view !== 'logs' || !/^\s*\{/.test(state.q)) return;
  const range = rangeOf(state);
  const response = apiGet('loki/api/v1/query_range', linesParams(state, range));
  response.catch(() => {});   // LogsView.run() reports the error
  window.skaldFirstLines = { key: keyOf(state), range, t0: performance.now(), response };
}

// The prefetched request for `state`, once; null when there is none or it was for another state.
export function takePrefetch(state) {
  const e = window.skaldFirstLines;
  window.skaldFirstLines = { taken: true };
  return e && e.key === keyOf(state) ? e : null;
}
