// The web UI against a store with skald_auth (tests/e2e/ui_browser_test.cc): the page loads without
// credentials, a query shows the 401 message, and with the browser's credentials the query and the
// live tail (WebSocket) work. STORE_URL, CHROMIUM, READ_USER/READ_PW, PUSH_USER/PUSH_PW.
'use strict';
const puppeteer = require('puppeteer-core');

const STORE = process.env.STORE_URL;
const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

async function push(line) {
  const body = { streams: [{ stream: { job: 'authui' }, values: [[`${Date.now()}000000`, line]] }] };
  const res = await fetch(`${STORE}/loki/api/v1/push`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Authorization: basic(process.env.PUSH_USER, process.env.PUSH_PW) } });
  if (res.status !== 204) throw new Error(`push answered ${res.status}`);
}

async function main() {
  await push('level=info msg="first line"');
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const url = `${STORE}/ui/?q=${encodeURIComponent('{job="authui"}')}`;
    // A browser caches Basic credentials per site, so each user gets a fresh browser context.
    const as = async (username, password) => {
      const ctx = await browser.createBrowserContext();
      const p = await ctx.newPage();
      await p.authenticate({ username, password });
      const res = await p.goto(url, { waitUntil: 'networkidle0' });
      return [p, res];
    };
    // A wrong password: puppeteer answers the credentials prompt once, then cancels it, as a user
    // pressing Cancel would; the page then sees the 401.
    const [p1, res] = await as(process.env.READ_USER, 'wrong');
    check(res.status() === 200, 'the UI page loads without valid credentials');
    await p1.waitForFunction(() => /Sign-in required \(401\)/.test(document.querySelector('#status').textContent), { timeout: 5000 });
    check(true, 'a query with a cancelled credentials prompt shows the 401 message');

    const [p2] = await as(process.env.PUSH_USER, process.env.PUSH_PW);
    await p2.waitForFunction(() => /Access denied \(403\)/.test(document.querySelector('#status').textContent), { timeout: 5000 });
    check(true, 'a credential without the read scope shows the 403 message');

    const [page] = await as(process.env.READ_USER, process.env.READ_PW);
    await page.waitForFunction(() => document.querySelector('#results')?.dataset.count === '1', { timeout: 5000 });
    check(true, 'with read credentials the query returns its line');

    await page.click('button[data-view="live"]');
    await page.waitForFunction(() => /connected/.test(document.querySelector('#status').textContent), { timeout: 5000 });
    await push('level=info msg="tailed with credentials"');
    await page.waitForFunction(() => [...document.querySelectorAll('#tail-list .row .line')]
      .some((l) => l.textContent.includes('tailed with credentials')), { timeout: 3000 });
    check(true, 'the live tail WebSocket carries the credentials');
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
