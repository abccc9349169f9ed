// Pushes lines through winston + winston-loki (protobuf + snappy) to the Loki URL in argv[2].
// Usage: node push_winston.js http://127.0.0.1:3100 <count> [tenant]
// Optional: SKALD_BASIC_AUTH=user:pass sends basic auth (winston-loki's basicAuth); for https URLs
// Node trusts extra CAs from NODE_EXTRA_CA_CERTS.
'use strict';
const winston = require('winston');
const LokiTransport = require('winston-loki');

// winston-loki silently falls back to JSON without snappy; this test is about protobuf.
try { require('snappy'); } catch (e) { console.error('snappy not installed:', e.message); process.exit(1); }

const host = process.argv[2];
const count = Number(process.argv[3] || 5);
const tenant = process.argv[4];
let failed = false;

const transport = new LokiTransport({
  host,
  labels: { app: 'winston-e2e', env: 'test' },
  json: false,
  batching: true,
  interval: 0.2,
  headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
  basicAuth: process.env.SKALD_BASIC_AUTH || undefined,
  onConnectionError: (err) => { failed = true; console.error('winston-loki error:', err && err.message); },
});
const logger = winston.createLogger({ level: 'info', transports: [transport] });

async function main() {
  for (let i = 0; i < count; i++) logger.info(`winston line ${i}`);
  await transport.flush();
  await transport.close();
  if (failed) process.exit(1);
  console.log(`winston: sent ${count} lines`);
}
main().catch((e) => { console.error(e); process.exit(1); });
