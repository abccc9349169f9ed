// The Logs view: for a log query the volume histogram (a metric query stacked by level) and the
// lines; for a metric query a graph and a table. Records timings for the browser tests.
import { apiGet } from './api.js';
import { drawHistogram, drawMetric } from './charts.js';
import { toEntries } from './entries.js';
import { queryKind } from './logql.js';
import { resolveTime, stepSeconds, toNs } from './time.js';

export class LogsView {
  constructor(ui, list, { onZoom, status }) {
    this.ui = ui;
    this.list = list;
    this.onZoom = onZoom;
    this.status = status;
    this.ctrl = null;
  }

  async run(state) {
    this.ctrl?.abort();
    const ctrl = this.ctrl = new AbortController();
    const kind = queryKind(state.q);
    if (kind === 'invalid') {
      this.status(state.q.trim() ? 'The query has a syntax error (marked in the editor).' : 'Type a LogQL query, e.g. {job="docker"}', true);
      return;
    }
    const now = Date.now();
    const startMs = resolveTime(state.from, now), endMs = resolveTime(state.to, now);
    const range = { startMs, endMs, startS: Math.floor(startMs / 1000), endS: Math.floor(endMs / 1000) };
    this.ui.metric.hidden = kind !== 'metric';
    this.ui.results.hidden = this.ui.histogram.hidden = kind === 'metric';
    this.status('Running…');
    const t0 = performance.now();
    try {
      if (kind === 'metric') await this.metric(state, range, ctrl.signal);
      else await Promise.all([this.lines(state, range, ctrl.signal, t0), this.histogram(state, range, ctrl.signal)]);
    } catch (e) {
      if (e.name !== 'AbortError') this.status(e.message, true);
    }
  }

  async lines(state, r, signal, t0) {
    const res = await apiGet('loki/api/v1/query_range', { query: state.q, start: toNs(r.startMs), end: toNs(r.endMs),
      limit: state.limit, direction: 'backward' }, signal);
    const entries = toEntries(res.data.result || []);
    this.list.setEntries(entries);
    const ms = Math.round(performance.now() - t0);
    this.ui.count.textContent = `${entries.length} lines${entries.length >= Number(state.limit) ? ' (limit reached)' : ''}`;
    this.ui.results.dataset.count = entries.length;
    this.status(`${entries.length} lines in ${ms} ms`);
    requestAnimationFrame(() => { window.skaldUi.lastRun = { lines: entries.length, ms, paintMs: performance.now() - t0 }; });
  }

  async histogram(state, r, signal) {
    const stepS = stepSeconds(r.startMs, r.endMs, 100);
    const q = `sum by (level) (count_over_time(${state.q} [${stepS}s]))`;
    this.ui.histogram.dataset.state = 'loading';
    try {
      const res = await apiGet('loki/api/v1/query_range', { query: q, start: toNs(r.startMs), end: toNs(r.endMs),
        step: stepS }, signal);
      this.chart?.destroy();
      this.chart = drawHistogram(this.ui.histogram, res.data.result || [], { ...r, stepS, onZoom: this.onZoom });
      window.skaldUi.histogram = this.chart;
      this.ui.histogram.dataset.state = 'ready';
    } catch (e) {
      if (e.name === 'AbortError') return;
      this.ui.histogram.textContent = `Volume histogram unavailable: ${e.message}`;
      this.ui.histogram.dataset.state = 'error';
    }
  }

  async metric(state, r, signal) {
    const stepS = stepSeconds(r.startMs, r.endMs, 250);
    const res = await apiGet('loki/api/v1/query_range', { query: state.q, start: toNs(r.startMs), end: toNs(r.endMs),
      step: stepS }, signal);
    this.chart?.destroy();
    this.chart = drawMetric(this.ui.metricGraph, this.ui.metricTable, res.data.result || [], { ...r, stepS });
    this.status(`${(res.data.result || []).length} series`);
  }
}
