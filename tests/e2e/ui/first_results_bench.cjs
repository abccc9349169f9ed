// Measures the UI's time to first results for {job="docker"} over the last 24 h (docs/UI.md):
// pushes LINES lines over 55 container streams into the store at STORE_URL, then loads the UI RUNS
// times and reports, per load, where the time went (ms since navigation start).
'use strict';
const puppeteer = require('puppeteer-core');

const STORE = process.env.STORE_URL;
const LINES = Number(process.env.LINES || 1000000);
const RUNS = Number(process.env.RUNS || 5);
const IN_FLIGHT = Number(process.env.IN_FLIGHT || 2);   // pushes at once while filling
const STREAMS = 55, BATCH = 20000, DAY_MS = 86400000;
const LEVELS = ['info', 'info', 'info', 'info', 'warn', 'error', 'debug'];
const PATHS = ['/api/v1/items', '/api/v1/orders', '/healthz', '/api/v1/users', '/static/app.js'];

// A realistic mix: logfmt access lines, JSON application lines, plain text with a stack-like tail.
function line(i) {
  const lvl = LEVELS[i % 7];
  switch (i % 5) {
    case 0: case 1:
      return `ts=${i} level=${lvl} msg="handled request" method=GET path=${PATHS[i % 5]}/${i % 997} ` +
        `status=${i % 13 ? 200 : 500} duration=${i % 250}ms bytes=${(i * 37) % 20000}`;
    case 2:
      return JSON.stringify({ level: lvl, msg: 'order processed', order_id: i, customer: `c-${i % 4211}`,
        amount: (i % 9000) / 100, region: ['eu', 'us', 'ap'][i % 3] });
    case 3:
      return `${lvl.toUpperCase()} [worker-${i % 8}] job ${i} finished in ${i % 900} ms (queue depth ${i % 31})`;
    default:
      return `level=${lvl} msg="cache ${i % 3 ? 'hit' : 'miss'}" key=session:${i % 100003} ttl=${i % 3600}s`;
  }
}

// Lines [done, done + BATCH) of the streams that pusher `w` owns: each stream is pushed by one
// pusher, in time order, as a collector would (out-of-order pushes make overlapping chunks, which
// real container logs do not and which take the engine's slower paths).
function batchBody(done, start, per, w) {
  const streams = Array.from({ length: STREAMS }, (_, s) => ({
    stream: { job: 'docker', container: `app-${s}`, service_name: `svc-${s % 11}` }, values: [] }));
  for (let i = done; i < Math.min(LINES, done + BATCH); i++) {
    if ((i % STREAMS) % IN_FLIGHT !== w) continue;
    const ms = Math.floor(start + i * per);
    streams[i % STREAMS].values.push([`${ms}${String(i % 1000000).padStart(6, '0')}`, line(i)]);
  }
  return JSON.stringify({ streams: streams.filter((s) => s.values.length) });
}

async function fill() {
  const start = Date.now() - DAY_MS + 60000, per = (DAY_MS - 120000) / LINES;
  const t0 = Date.now();
  let pushed = 0;
  const pusher = async (w) => {
    for (let done = 0; done < LINES; done += BATCH) {
      const res = await fetch(`${STORE}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: batchBody(done, start, per, w) });
      if (res.status !== 204) throw new Error(`push: ${res.status} ${await res.text()}`);
      pushed += Math.min(BATCH, LINES - done);
      if (pushed % 5000000 < BATCH) console.log(`  ~${Math.round(pushed / IN_FLIGHT)} lines, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => pusher(w)));
  console.log(`pushed ${LINES} lines in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// One page load: when each step ended, in ms since navigation start.
async function load(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.skaldUi && window.skaldUi.lastRun && window.skaldUi.histogramAt,
    { timeout: 120000 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const find = (f) => res.find((r) => f(r.name)) || {};
    const js = find((n) => /app\.js/.test(n));
    const lines = find((n) => /query_range/.test(n) && /direction=backward/.test(n));
    const hist = find((n) => /query_range/.test(n) && /count_over_time/.test(n));
    const main = performance.getEntriesByName('skald-main')[0];
    const r = Math.round;
    return { html: r(nav.responseEnd), js: r(js.responseEnd), jsBytes: js.encodedBodySize, mainStart: r(main?.startTime),
      linesSent: r(lines.requestStart || lines.startTime), linesDone: r(lines.responseEnd),
      histSent: r(hist.requestStart || hist.startTime), histDone: r(hist.responseEnd),
      firstResults: r(window.skaldUi.lastRun.paintAt), histogram: r(window.skaldUi.histogramAt) };
  });
}

// FRESH_BROWSER=1: every load in a new browser (empty cache, new processes), as a first visit.
async function measure() {
  const url = `${STORE}/ui/?q=${encodeURIComponent('{job="docker"}')}&from=now-24h`;
  const launch = async () => {
    const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    return [browser, page];
  };
  const runs = [];
  let [browser, page] = await launch();
  for (let r = 0; r < RUNS; r++) {
    if (r > 0 && process.env.FRESH_BROWSER) { await browser.close(); [browser, page] = await launch(); }
    runs.push(await load(page, url));
  }
  await browser.close();
  return runs;
}

(async () => {
  if (!process.env.SKIP_FILL) await fill();
  if (process.env.FILL_ONLY) return;
  const runs = await measure();
  for (const r of runs) console.log(JSON.stringify(r));
  const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  console.log(`first load: results ${runs[0].firstResults} ms, histogram ${runs[0].histogram} ms; median: results ` +
    `${med('firstResults')} ms, histogram ${med('histogram')} ms (${LINES} lines, 24 h)`);
})().catch((e) => { console.error(e); process.exit(1); });
