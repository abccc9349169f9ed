// uPlot charts: the stacked volume histogram by level (click a bar or drag to zoom) and the line
// graph for metric queries. Colours come from the theme's CSS variables.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const LEVEL_ORDER = ['error', 'warn', 'info', 'debug', 'trace', 'unknown'];
const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'];

function axes() {
  const stroke = css('--muted'), grid = { stroke: css('--grid'), width: 1 };
  return [{ stroke, grid, ticks: grid }, { stroke, grid, ticks: grid, size: 50 }];
}

// Matrix series → aligned x (seconds) from start to end by step, one y array per series.
function align(series, startS, endS, stepS) {
  const xs = [];
  for (let t = startS; t <= endS; t += stepS) xs.push(t);
  const ys = series.map((s) => {
    const y = new Array(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const i = Math.round((Number(t) - startS) / stepS);
      if (i >= 0 && i < xs.length) y[i] = Number(v);
    }
    return y;
  });
  return { xs, ys };
}

// Stacked bars ending at their evaluation time: each level's bar drawn on top of the ones below (cumulative sums, widest first).
export function drawHistogram(root, result, { startS, endS, stepS, onZoom }) {
  root.textContent = '';
  const series = result.slice().sort((a, b) =>
    LEVEL_ORDER.indexOf(a.metric.level || 'unknown') - LEVEL_ORDER.indexOf(b.metric.level || 'unknown'));
  const { xs, ys } = align(series, startS, endS, stepS);
  const cum = [];
  ys.forEach((y, i) => cum.push(y.map((v, j) => (v || 0) + (i ? cum[i - 1][j] : 0))));
  const levels = series.map((s) => s.metric.level || 'unknown');
  const bars = uPlot.paths.bars({ size: [0.9, 64], align: -1 });
  const order = cum.map((_, i) => i).reverse();
  const opts = {
    width: root.clientWidth || 800, height: 120, legend: { show: true, live: false }, padding: [6, 8, 0, 0],
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    scales: { x: { time: true, range: [startS - stepS, endS] }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: axes(),
    series: [{}, ...order.map((i) => ({
      label: levels[i], paths: bars, points: { show: false }, fill: css(`--level-${levels[i]}`) || css('--c1'), stroke: 'transparent',
      value: (u, v, si, di) => (di == null ? '' : String(ys[i][di] ?? 0)),
    }))],
    hooks: {
      setSelect: [(u) => {
        if (u.select.width < 3) return;
        const a = u.posToVal(u.select.left, 'x'), b = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ width: 0 }, false);
        onZoom(a * 1000, b * 1000);
      }],
    },
  };
  const u = new uPlot(opts, [xs, ...order.map((i) => cum[i])], root);
  let downX = 0;
  u.over.addEventListener('mousedown', (e) => { downX = e.clientX; });
  u.over.addEventListener('click', (e) => {
    if (Math.abs(e.clientX - downX) > 2 || u.cursor.left == null || u.cursor.left < 0) return;
    // The bar under the pointer: count_over_time at xs[i] covers (xs[i] - step, xs[i]].
    const i = Math.ceil((u.posToVal(u.cursor.left, 'x') - xs[0]) / stepS);
    if (i < 0 || i >= xs.length) return;
    onZoom((xs[i] - stepS) * 1000, xs[i] * 1000);
  });
  root.dataset.bars = xs.length;
  return u;
}

function seriesName(metric) {
  const parts = Object.entries(metric).map(([k, v]) => `${k}="${v}"`);
  return parts.length ? `{${parts.join(', ')}}` : '{}';
}

// Metric query result: a line per series and a table with each series' last and max values.
export function drawMetric(graphRoot, tableRoot, result, { startS, endS, stepS }) {
  graphRoot.textContent = '';
  tableRoot.textContent = '';
  const { xs, ys } = align(result, startS, endS, stepS);
  const opts = {
    width: graphRoot.clientWidth || 800, height: 260, axes: axes(), scales: { x: { time: true } },
    series: [{}, ...result.map((s, i) => ({ label: seriesName(s.metric), stroke: css(PALETTE[i % 8]), width: 1.5,
      spanGaps: false }))],
  };
  const u = new uPlot(opts, [xs, ...ys], graphRoot);
  const table = document.createElement('table');
  table.className = 'metric-table';
  const head = table.createTHead().insertRow();
  for (const h of ['Series', 'Last', 'Max']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  result.forEach((s) => {
    const vals = s.values.map(([, v]) => Number(v));
    const tr = body.insertRow();
    for (const c of [seriesName(s.metric), vals.at(-1) ?? '', vals.length ? Math.max(...vals) : '']) {
      tr.insertCell().textContent = String(c);
    }
  });
  tableRoot.append(table);
  return u;
}

// A small inline SVG line for the patterns table.
export function sparkline(samples, startS, endS, width = 160, height = 24) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('class', 'spark');
  const max = Math.max(1, ...samples.map(([, c]) => Number(c)));
  const span = Math.max(1, endS - startS);
  const pts = samples.map(([t, c]) =>
    `${(((Number(t) - startS) / span) * width).toFixed(1)},${(height - 1 - (Number(c) / max) * (height - 2)).toFixed(1)}`);
  const line = document.createElementNS(ns, 'polygon');
  const x0 = pts.length ? pts[0].split(',')[0] : 0, x1 = pts.length ? pts[pts.length - 1].split(',')[0] : 0;
  line.setAttribute('points', `${x0},${height} ${pts.join(' ')} ${x1},${height}`);
  svg.append(line);
  return svg;
}
