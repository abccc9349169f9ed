// The web UI's tenant box reaches the live tail (tests/e2e/ui_browser_test.cc): against a store with
// auth_enabled and no credentials file, the tail opened with tenant A shows A's new line and never
// B's, and with no tenant the store refuses the upgrade and the page says so. STORE_URL, CHROMIUM.
'use strict';
const http = require('node:http');
const puppeteer = require('puppeteer-core');

const STORE = process.env.STORE_URL;
const QUERY = '{job="tenanttail"}';

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

async function push(tenant, line) {
  const body = { streams: [{ stream: { job: 'tenanttail' }, values: [[`${Date.now()}000000`, line]] }] };
  const res = await fetch(`${STORE}/loki/api/v1/push`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': tenant } });
  if (res.status !== 204) throw new Error(`push as ${tenant} answered ${res.status}`);
}

// The HTTP status a raw WebSocket upgrade to `url` gets.
function upgradeStatus(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
  });
}

const tailLines = (page) => page.$$eval('#tail-list .row .line', (ls) => ls.map((l) => l.textContent));

async function main() {
  await push('team-a', 'level=info msg="history of a"');
  await push('team-b', 'level=info msg="history of b"');
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const errors = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const sockets = [];   // WebSockets are not 'request' events: the DevTools protocol reports them
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketCreated', (ev) => sockets.push(ev.url));
    await page.goto(`${STORE}/ui/?q=${encodeURIComponent(QUERY)}&view=live&org=team-a`);
    await page.waitForFunction(() => /connected/.test(document.querySelector('#status').textContent), { timeout: 5000 });
    const ws = sockets[sockets.length - 1];
    check(ws && new URL(ws).searchParams.get('org_id') === 'team-a', `the tail's WebSocket names the tenant box's tenant (${ws})`);
    await page.waitForFunction(() => document.querySelectorAll('#tail-list .row').length === 1, { timeout: 5000 });
    check((await tailLines(page))[0].includes('history of a'), "the tail's history is tenant A's only");

    const t0 = Date.now();
    await push('team-b', 'level=warn msg="pushed to b"');
    await push('team-a', 'level=warn msg="pushed to a"');
    await page.waitForFunction(() => [...document.querySelectorAll('#tail-list .row .line')]
      .some((l) => l.textContent.includes('pushed to a')), { timeout: 2000 });
    check(true, `tenant A's new line reaches the tail (${Date.now() - t0} ms)`);
    await new Promise((r) => setTimeout(r, 500));   // B's line, pushed first, would have arrived by now
    const lines = await tailLines(page);
    check(!lines.some((l) => l.includes('of b') || l.includes('to b')), `and tenant B's lines never do (${lines.length} lines)`);

    // The tenant box emptied: the store has no tenant for the tail (401 no org id); the page says so.
    await page.$eval('#org', (e) => { e.value = ''; e.dispatchEvent(new Event('change')); });
    await page.waitForFunction(() => /Live tail: No tenant \(401\)/.test(document.querySelector('#status').textContent),
      { timeout: 5000 });
    check(!new URL(page.url()).searchParams.has('org'), 'without a tenant the store refuses the tail and the page says why');
    const raw = new URL(ws);
    raw.protocol = 'http:';
    raw.searchParams.delete('org_id');
    check(await upgradeStatus(raw) === 401, 'and the same upgrade without org_id is refused by the store (401)');
    raw.searchParams.set('org_id', 'team-a');
    check(await upgradeStatus(raw) === 101, 'with it, accepted (101)');
    check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
