// Pushes lines through pino + pino-loki (JSON, structured metadata) to the Loki URL in argv[2].
// Usage: node push_pino.js http://127.0.0.1:3100 <count> [tenant]
// Optional: SKALD_BASIC_AUTH=user:pass sends basic auth (pino-loki's basicAuth); for https URLs
// Node trusts extra CAs from NODE_EXTRA_CA_CERTS.
'use strict';
const pino = require('pino');

const host = process.argv[2];
const count = Number(process.argv[3] || 5);
const tenant = process.argv[4];
const auth = process.env.SKALD_BASIC_AUTH;
const sep = auth ? auth.indexOf(':') : -1;
const basicAuth = sep > 0 ? { username: auth.slice(0, sep), password: auth.slice(sep + 1) } : undefined;

const transport = pino.transport({
  target: 'pino-loki',
  options: {
    host,
    batching: { interval: 0.2 },
    labels: { app: 'pino-e2e' },
    structuredMetaKey: 'meta',
    headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
    ...(basicAuth && { basicAuth }),
    silenceErrors: false,
  },
});
const logger = pino({ level: 'info' }, transport);

for (let i = 0; i < count; i++) logger.info({ meta: { trace_id: `trace-${i}` } }, `pino line ${i}`);
transport.on('close', () => console.log(`pino: sent ${count} lines`));
logger.flush();
transport.end();
