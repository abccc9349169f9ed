// The Logs view: for a log query the volume histogram (a metric query stacked by level) and the
// lines; for a metric query a graph and a table. Records timings for the browser tests.
import { apiGet } from './api.js';
import { drawHistogram, drawMetric } from './charts.js';
import { toEntries } from './entries.js';
import { linesParams, rangeOf, takePrefetch } from './first_lines.js';
import { queryKind } from './logql.js';
import { stepSeconds, toNs } from './time.js';

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
    this.query = state.q;   // the query the shown lines answer (a line's context reads its parsers)
    if (kind === 'invalid') {
      this.status(state.q.trim() ? 'The query has a syntax error (marked in the editor).' : 'Type a LogQL query, e.g. {job="docker"}', true);
      return;
    }
    const early = takePrefetch(state);
    const range = early ? early.range : rangeOf(state);
    this.ui.metric.hidden = kind !== 'metric';
    this.ui.results.hidden = this.ui.histogram.hidden = kind === 'metric';
    this.status('Running…');
    const t0 = early ? early.t0 : performance.now();
    try {
      if (kind === 'metric') {
        await this.metric(state, range, ctrl.signal);
        return;
      }
      // The lines first, then the histogram: on a small store both are CPU-bound, and run together
      // they made the first results wait for the histogram's share (docs/UI.md, "Time to first results").
      this.ui.histogram.dataset.state = 'loading';
      await this.lines(state, range, ctrl.signal, t0, early?.response);
      if (!ctrl.signal.aborted) await this.histogram(state, range, ctrl.signal);
    } catch (e) {
      if (e.name !== 'AbortError') this.status(e.message, true);
    }
  }

  async lines(state, r, signal, t0, prefetched) {
    const res = await (prefetched || apiGet('loki/api/v1/query_range', linesParams(state, r), signal));
    if (signal.aborted) return;
    const entries = toEntries(res.data.result || []);
    this.list.setEntries(entries);
    const ms = Math.round(performance.now() - t0);
    this.ui.count.textContent = `${entries.length} lines${entries.length >= Number(state.limit) ? ' (limit reached)' : ''}`;
    this.ui.results.dataset.count = entries.length;
    this.status(`${entries.length} lines in ${ms} ms`);
    // paintAt: ms since navigation start (performance's time origin), for the first-results bench.
    requestAnimationFrame(() => {
      window.skaldUi.lastRun = { lines: entries.length, ms, paintMs: performance.now() - t0, paintAt: performance.now() };
    });
  }

  async histogram(state, r, signal) {
    const stepS = stepSeconds(r.startMs, r.endMs, 100);
    const q = `sum by (level) (count_over_time(${state.q} [${stepS}s]))`;
    try {
      const res = await apiGet('loki/api/v1/query_range', { query: q, start: toNs(r.startMs), end: toNs(r.endMs),
        step: stepS }, signal);
      this.chart?.destroy();
      this.chart = drawHistogram(this.ui.histogram, res.data.result || [], { ...r, stepS, onZoom: this.onZoom });
      window.skaldUi.histogram = this.chart;
      window.skaldUi.histogramAt = performance.now();
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
