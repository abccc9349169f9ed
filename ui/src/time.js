// Time ranges as the URL holds them: "now", "now-15m" or epoch milliseconds; resolved to ms and ns,
// formatted for display, and the histogram step that gives about 100 bars.
const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };

export const RELATIVE = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d', '30d'];

export function durationMs(d) {
  const m = /^(\d+)([smhdw])$/.exec(d);
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

// "now", "now-1h", or a number of epoch ms → epoch ms.
export function resolveTime(v, now = Date.now()) {
  if (v === 'now' || v === '' || v === undefined) return now;
  if (v.startsWith('now-')) return now - durationMs(v.slice(4));
  const n = Number(v);
  return Number.isFinite(n) ? n : now;
}

export function toNs(ms) { return `${Math.round(ms)}000000`; }

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function formatTime(ms, withMs = true) {
  const d = new Date(ms);
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:` +
    `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

// For <input type="datetime-local">.
export function toLocalInput(ms) { return formatTime(ms, false).replace(' ', 'T'); }

export function rangeLabel(from, to) {
  if (to === 'now' && from.startsWith('now-')) return `Last ${from.slice(4)}`;
  return `${formatTime(resolveTime(from), false)} → ${formatTime(resolveTime(to), false)}`;
}

const NICE = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

// Seconds per histogram bar: the smallest nice step giving at most `bars` bars.
export function stepSeconds(startMs, endMs, bars = 100) {
  const raw = (endMs - startMs) / 1000 / bars;
  return NICE.find((s) => s >= raw) || Math.ceil(raw / 86400) * 86400;
}
