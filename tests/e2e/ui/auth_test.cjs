// The web UI against a store with skald_auth (tests/e2e/ui_browser_test.cc): the page loads without
// credentials, a query shows the 401 message, and with the browser's credentials the query and the
// live tail (WebSocket) work; a credential allowed two tenants tails the one in the tenant box
// (the store's org_id parameter), and a tenant beyond it is refused. STORE_URL, CHROMIUM,
// READ_USER/READ_PW, PUSH_USER/PUSH_PW (tenants uiteam, uiother), MULTI_USER/MULTI_PW (read both).
'use strict';
const http = require('node:http');
const puppeteer = require('puppeteer-core');

const STORE = process.env.STORE_URL;
const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

async function push(line, tenant = 'uiteam') {
  const body = { streams: [{ stream: { job: 'authui' }, values: [[`${Date.now()}000000`, line]] }] };
  const res = await fetch(`${STORE}/loki/api/v1/push`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': tenant,
      Authorization: basic(process.env.PUSH_USER, process.env.PUSH_PW) } });
  if (res.status !== 204) throw new Error(`push answered ${res.status}`);
}

// The status of a raw WebSocket upgrade to the tail as MULTI_USER naming `orgId` by parameter.
function tailUpgradeStatus(orgId, path = 'loki/api/v1/tail') {
  const u = new URL(`${STORE}/${path}`);
  u.searchParams.set('query', '{job="authui"}');
  u.searchParams.set('org_id', orgId);
  return new Promise((resolve, reject) => {
    const req = http.get(u, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', Authorization: basic(process.env.MULTI_USER, process.env.MULTI_PW) } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
  });
}

// A credential allowed uiteam and uiother: the UI's tenant box picks the live tail's tenant; the
// org_id parameter passes the same checks as X-Scope-OrgID and works on tail upgrades only.
async function tenantBoxTail(browser) {
  check(await tailUpgradeStatus('uiother') === 101, 'a tail upgrade naming an allowed tenant by org_id is accepted');
  check(await tailUpgradeStatus('elsewhere') === 403, 'one naming a tenant beyond the credential is refused (403)');
  check(await tailUpgradeStatus('uiteam|uiother') === 400, 'and several tenants at once are refused (400)');
  const q = await fetch(`${STORE}/loki/api/v1/query_range?query=${encodeURIComponent('{job="authui"}')}&org_id=uiother`,
    { headers: { Authorization: basic(process.env.MULTI_USER, process.env.MULTI_PW) } });
  check(q.status === 401 && /no org id/.test(await q.text()), `other requests ignore org_id (query_range: ${q.status})`);

  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.authenticate({ username: process.env.MULTI_USER, password: process.env.MULTI_PW });
  await page.goto(`${STORE}/ui/?q=${encodeURIComponent('{job="authui"}')}&view=live&org=uiother`);
  await page.waitForFunction(() => /connected/.test(document.querySelector('#status').textContent), { timeout: 5000 });
  await push('level=info msg="for the team"', 'uiteam');
  await push('level=info msg="for the other tenant"', 'uiother');
  await page.waitForFunction(() => [...document.querySelectorAll('#tail-list .row .line')]
    .some((l) => l.textContent.includes('for the other tenant')), { timeout: 2000 });
  const lines = await page.$$eval('#tail-list .row .line', (ls) => ls.map((l) => l.textContent));
  check(!lines.some((l) => l.includes('for the team')), "the tenant box's tenant reaches the live tail, and only its lines");

  await page.$eval('#org', (e) => { e.value = 'elsewhere'; e.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => /Live tail: Access denied \(403\).*tenant elsewhere not allowed/
    .test(document.querySelector('#status').textContent), { timeout: 5000 });
  check(true, 'a tenant beyond the credential stops the tail with the reason');
  await ctx.close();
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

    await tenantBoxTail(browser);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
