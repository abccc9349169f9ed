// What the UI reads out of one log line: its fields (JSON, flattened as Loki's `json` parser does,
// or logfmt) and its level (stream label, field, or a level word in the text).
import { stripAnsi } from './ansi.js';

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}_${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.push([key, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return out;
}

const LOGFMT = /([^\s="]+)=("(?:[^"\\]|\\.)*"|[^\s]*)/g;

// [[key, value], ...] with the format's name, or null when the line is neither JSON nor logfmt.
export function parseFields(line) {
  const text = stripAnsi(line).trim();
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text);
      if (v && typeof v === 'object' && !Array.isArray(v)) return { format: 'json', fields: flatten(v, '', []) };
    } catch (e) { /* not JSON: try logfmt */ }
  }
  const fields = [];
  for (const m of text.matchAll(LOGFMT)) {
    let v = m[2];
    if (v.startsWith('"')) { try { v = JSON.parse(v); } catch (e) { v = v.slice(1, -1); } }
    fields.push([m[1], v]);
  }
  return fields.length ? { format: 'logfmt', fields } : null;
}

const NORMAL = { error: 'error', err: 'error', eror: 'error', fatal: 'error', critical: 'error', crit: 'error',
  panic: 'error', emerg: 'error', alert: 'error', warn: 'warn', warning: 'warn', info: 'info',
  information: 'info', notice: 'info', debug: 'debug', dbug: 'debug', trace: 'trace' };

export function normalLevel(v) { return NORMAL[String(v || '').toLowerCase()] || 'unknown'; }

const FIELD = /(?:^|[\s{,"])(?:level|lvl|severity)"?\s*[=:]\s*"?([A-Za-z]+)/i;
const WORD = /\b(ERROR|ERR|FATAL|PANIC|CRITICAL|WARN|WARNING|INFO|DEBUG|TRACE)\b/i;

export function detectLevel(labels, line) {
  for (const k of ['level', 'detected_level', 'severity', 'lvl']) if (labels[k]) return normalLevel(labels[k]);
  const m = FIELD.exec(line) || WORD.exec(line);
  return m ? normalLevel(m[1]) : 'unknown';
}
