// Measures the UI's time to first results for {job="docker"} over the last 24 h (docs/UI.md):
// pushes LINES lines over 55 container streams into the store at STORE_URL, then loads the UI
// RUNS times and reports the time from navigation start to the painted result list.
'use strict';
const puppeteer = require('puppeteer-core');

const STORE = process.env.STORE_URL;
const LINES = Number(process.env.LINES || 1000000);
const RUNS = Number(process.env.RUNS || 5);
const STREAMS = 55, BATCH = 20000, DAY_MS = 86400000;
const LEVELS = ['info', 'info', 'info', 'info', 'warn', 'error', 'debug'];

async function fill() {
  const start = Date.now() - DAY_MS + 60000, per = DAY_MS / LINES;
  const t0 = Date.now();
  for (let done = 0; done < LINES; done += BATCH) {
    const streams = Array.from({ length: STREAMS }, (_, s) => ({
      stream: { job: 'docker', container: `app-${s}`, service_name: `svc-${s % 11}` }, values: [] }));
    for (let i = done; i < Math.min(LINES, done + BATCH); i++) {
      const ms = Math.floor(start + i * per);
      streams[i % STREAMS].values.push([`${ms}${String(i % 1000000).padStart(6, '0')}`,
        `level=${LEVELS[i % 7]} msg="handled request ${i}" path=/api/v1/items/${i % 997} status=${i % 13 ? 200 : 500} duration=${i % 250}ms`]);
    }
    const res = await fetch(`${STORE}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ streams: streams.filter((s) => s.values.length) }) });
    if (res.status !== 204) throw new Error(`push: ${res.status} ${await res.text()}`);
  }
  console.log(`pushed ${LINES} lines in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function measure() {
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const url = `${STORE}/ui/?q=${encodeURIComponent('{job="docker"}')}&from=now-24h`;
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    await page.goto(url);
    await page.waitForFunction(() => window.skaldUi && window.skaldUi.lastRun, { timeout: 60000 });
    const t = await page.evaluate(() => ({ sinceNav: window.skaldUi.lastRun.paintMs +
      performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, query: window.skaldUi.lastRun.ms }));
    await page.waitForSelector('#histogram[data-state="ready"]', { timeout: 120000 });
    const hist = await page.evaluate(() => performance.now());
    runs.push({ firstResultsMs: Math.round(t.sinceNav), linesQueryMs: t.query, histogramReadyMs: Math.round(hist) });
  }
  await browser.close();
  return runs;
}

(async () => {
  if (!process.env.SKIP_FILL) await fill();
  const runs = await measure();
  for (const r of runs) console.log(JSON.stringify(r));
  const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  console.log(`median first results ${med('firstResultsMs')} ms, histogram ${med('histogramReadyMs')} ms (${LINES} lines, 24 h)`);
})().catch((e) => { console.error(e); process.exit(1); });
