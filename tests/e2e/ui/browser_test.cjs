// Browser test of skald-store's web UI (tests/e2e/ui_browser_test.cc runs it): Debian's chromium
// driven by puppeteer-core against a real store at STORE_URL. Exits non-zero on the first failure.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const { startPrefixProxy } = require('./prefix_proxy.cjs');
const data = require('./test_data.cjs');

const STORE = process.env.STORE_URL;
const SHOTS = process.env.SKALD_UI_SHOTS || '';
const errors = [];
const timings = {};

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function newPage(browser) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!r.failure()?.errorText.includes('ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !u.protocol.startsWith('data')) errors.push(`external request: ${r.url()}`);
  });
  return page;
}

async function setQuery(page, q) {
  await page.click('.cm-content');
  await page.keyboard.down('Control'); await page.keyboard.press('KeyA'); await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(q);
  await page.keyboard.press('Escape');   // closes a completion popup
  const text = await page.$eval('.cm-content', (e) => e.innerText);
  check(text.trim() === q, `the editor holds the typed query (${text.trim()})`);
}

async function runQuery(page, expected) {
  await page.keyboard.down('Control'); await page.keyboard.press('Enter'); await page.keyboard.up('Control');
  await page.waitForFunction((n) => document.querySelector('#results')?.dataset.count === String(n) &&
    /lines in/.test(document.querySelector('#status').textContent), { timeout: 10000 }, expected);
}

async function searchAndCount(page) {
  await page.goto(`${STORE}/`, { waitUntil: 'networkidle0' });
  check(new URL(page.url()).pathname === '/ui/', `/ redirects to /ui/ (${page.url()})`);
  await setQuery(page, data.API_QUERY);
  await runQuery(page, data.API_LINES);
  const rows = await page.$$eval('.loglist .row', (rs) => rs.map((r) => r.querySelector('.line').textContent));
  check(rows.length > 10 && rows.length < data.API_LINES, `the list is virtualized (${rows.length} rows in the DOM)`);
  check(rows[0] === data.newestApiLine(), 'the newest line comes first');
  const st = await page.$eval('#status', (e) => e.textContent);
  check(st.startsWith(`${data.API_LINES} lines`), `status reports ${data.API_LINES} lines (${st})`);
  timings.firstResultsMs = await page.evaluate(() => window.skaldUi.lastRun.paintMs);
  await page.waitForSelector('#histogram[data-state="ready"]', { timeout: 10000 });
  await shot(page, 'results');
}

async function urlRoundTrip(browser, url) {
  const page = await newPage(browser);
  await page.goto(url, { waitUntil: 'networkidle0' });
  await page.waitForFunction((n) => document.querySelector('#results')?.dataset.count === String(n), { timeout: 10000 }, data.API_LINES);
  const q = await page.$eval('.cm-content', (e) => e.innerText.trim());
  check(q === data.API_QUERY, 'a copied URL restores the query and its results');
  check(page.url() === url, 'and the URL stays the same');
  await page.close();
}

async function histogramZoom(page) {
  const target = await page.evaluate(() => {
    const u = window.skaldUi.histogram;
    const xs = u.data[0], total = u.data[1];
    let i = xs.length - 1;
    while (i > 0 && !total[i]) i--;
    i = Math.max(0, i - 3);
    while (i > 0 && !total[i]) i--;
    const r = u.over.getBoundingClientRect();
    const step = xs[1] - xs[0];
    return { x: r.left + u.valToPos(xs[i] - step / 2, 'x'), y: r.top + r.height - 5, bucket: xs[i], step };
  });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /from=\d+/.test(location.search), { timeout: 5000 });
  const p = new URL(page.url()).searchParams;
  const from = Number(p.get('from')), to = Number(p.get('to'));
  check(from === (target.bucket - target.step) * 1000 && to === target.bucket * 1000, `clicking a bar zooms to it (${from}..${to})`);
  const expected = data.apiLinesBetween(from, to);
  await page.waitForFunction((n) => document.querySelector('#results')?.dataset.count === String(n) &&
    /lines in/.test(document.querySelector('#status').textContent), { timeout: 10000 }, expected);
  check(expected > 0, `the zoomed range shows its ${expected} lines`);
}

async function openFields(page) {
  await page.click('.loglist .row .head');
  await page.waitForSelector('.loglist .row.open .fields-table', { timeout: 5000 });
  const keys = await page.$$eval('.loglist .row.open .fields-table th', (ths) => ths.map((t) => t.textContent));
  check(['level', 'msg', 'status', 'duration'].every((k) => keys.includes(k)), `a line's logfmt fields open (${keys})`);
  const labels = await page.$$eval('.loglist .row.open .labels-table th', (ths) => ths.map((t) => t.textContent));
  check(labels.includes('container'), 'and its stream labels');
}

// "Show context" opens a panel under the line: the lines around it in its stream, the line marked,
// without running a new query.
async function showContext(page) {
  const before = page.url();
  const target = await page.$eval('.loglist .row.open .head .line', (l) => l.textContent);
  const expected = data.apiContext(target, 10);
  check(expected && expected.after.length > 0 && expected.after.length < 10 && expected.before.length === 10,
    `the open line has newer and older lines in its stream (${expected && expected.after.length} newer)`);
  await page.click('.loglist .row.open .show-context');
  await page.waitForSelector('.loglist .row.open .context[data-state="ready"]', { timeout: 5000 });
  const rows = await page.$$eval('.loglist .row.open .ctx-row', (rs) => rs.map((r) =>
    ({ line: r.querySelector('.line').textContent, target: r.classList.contains('ctx-target') })));
  const want = [...expected.after, target, ...expected.before];
  check(JSON.stringify(rows.map((r) => r.line)) === JSON.stringify(want),
    `the context panel shows ${expected.after.length} newer and 10 older lines of the stream around it`);
  check(rows.filter((r) => r.target).length === 1 && rows[expected.after.length].target, 'with the line itself marked');
  check(page.url() === before, 'inline: the query and the URL stay as they were');
  const rowsBelow = await page.$$eval('.loglist .row', (rs) => rs.filter((r) => !r.classList.contains('open')).length);
  check(rowsBelow > 0, 'and the list goes on below the panel');
  await shot(page, 'context');
  await page.click('.loglist .row.open .context-more');
  await page.waitForFunction((n) => document.querySelectorAll('.loglist .row.open .ctx-row').length === n &&
    document.querySelector('.loglist .row.open .context').dataset.state === 'ready', { timeout: 5000 },
  data.apiContext(target, 20).after.length + 21);
  check(true, '"More lines" widens the context to 20 older lines');
  await page.click('.loglist .row.open .show-context');
  await page.waitForFunction(() => !document.querySelector('.loglist .row.open .context'), { timeout: 2000 });
  check(true, '"Hide context" closes the panel');
}

async function themes(page) {
  await shot(page, 'light');
  await page.click('#theme');
  const t = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.waitForSelector('#histogram[data-state="ready"]', { timeout: 10000 });
  await page.waitForFunction(() => /lines in/.test(document.querySelector('#status').textContent), { timeout: 10000 });
  await shot(page, t);
  await page.click('#theme');
  await shot(page, await page.evaluate(() => document.documentElement.dataset.theme));
}

async function liveTail(page) {
  await setQuery(page, data.TAIL_QUERY);
  await page.click('button[data-view="live"]');
  await page.waitForFunction(() => /connected/.test(document.querySelector('#status').textContent), { timeout: 5000 });
  await new Promise((r) => setTimeout(r, 300));
  const token = `tail-probe-${Date.now()}`;
  const t0 = Date.now();
  await data.push(STORE, [data.stream({ container: 'tail' }, [[Date.now(), `level=warn msg="${token}"`]])]);
  await page.waitForFunction((tok) => [...document.querySelectorAll('#tail-list .row .line')].some((l) => l.textContent.includes(tok)),
    { timeout: 2000 }, token);
  timings.tailMs = Date.now() - t0;
  check(timings.tailMs < 2000, `a pushed line appears in the live tail within 2 s (${timings.tailMs} ms)`);
  await page.waitForFunction(() => /[1-9][0-9.]* lines\/s/.test(document.querySelector('#tail-rate').textContent), { timeout: 3000 });
  await page.click('#tail-pause');
  await data.push(STORE, [data.stream({ container: 'tail' }, [[Date.now(), 'level=info msg="while paused"']])]);
  await page.waitForFunction(() => /paused, 1 new/.test(document.querySelector('#tail-rate').textContent), { timeout: 3000 });
  await page.click('#tail-pause');
  await page.waitForFunction(() => document.querySelector('#tail-list .row .line')?.textContent.includes('while paused'), { timeout: 3000 });
  check(true, 'pause keeps new lines aside and resume shows them');
  await shot(page, 'tail');
  await page.click('#tail-start');
}

async function patterns(page) {
  await setQuery(page, data.WORKER_QUERY);
  await page.select('#range', 'now-1h');   // back from the zoomed minute
  await page.click('button[data-view="patterns"]');
  await page.waitForSelector('#patterns[data-count]', { timeout: 10000 });
  const rows = await page.$$eval('.pattern-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const hit = rows.find((r) => r[3].includes('job <_> in <_>'));
  check(hit && Number(hit[0]) === data.WORKER_LINES, `the patterns view lists "${hit && hit[3]}" ${data.WORKER_LINES} times`);
  await shot(page, 'patterns');
}

async function behindPrefix(browser) {
  const proxy = await startPrefixProxy(STORE, '/logs');
  try {
    const page = await newPage(browser);
    await page.goto(`${proxy.url}/logs/`, { waitUntil: 'networkidle0' });
    check(new URL(page.url()).pathname === '/logs/ui/', `behind a reverse proxy at /logs/ the UI loads (${page.url()})`);
    await setQuery(page, data.API_QUERY);
    await runQuery(page, data.API_LINES);
    check(proxy.paths.some((p) => p.startsWith('/logs/loki/api/v1/query_range')), 'and its API calls keep the prefix');
    await page.close();
  } finally {
    proxy.close();
  }
}

async function main() {
  await data.fill(STORE);
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await newPage(browser);
    await searchAndCount(page);
    await urlRoundTrip(browser, page.url());
    await themes(page);
    await histogramZoom(page);
    await openFields(page);
    await showContext(page);
    await liveTail(page);
    await patterns(page);
    await behindPrefix(browser);
    check(errors.length === 0, `no console errors or external requests${errors.length ? `: ${errors.join(' | ')}` : ''}`);
    console.log(`timings ${JSON.stringify(timings)}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); if (errors.length) console.error(errors.join('\n')); process.exit(1); });
