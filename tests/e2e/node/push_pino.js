// Pushes lines through pino + pino-loki (JSON, structured metadata) to the Loki URL in argv[2].
// Usage: node push_pino.js http://127.0.0.1:3100 <count> [tenant]
'use strict';
const pino = require('pino');

const host = process.argv[2];
const count = Number(process.argv[3] || 5);
const tenant = process.argv[4];

const transport = pino.transport({
  target: 'pino-loki',
  options: {
    host,
    batching: { interval: 0.2 },
    labels: { app: 'pino-e2e' },
    structuredMetaKey: 'meta',
    headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
    silenceErrors: false,
  },
});
const logger = pino({ level: 'info' }, transport);

for (let i = 0; i < count; i++) logger.info({ meta: { trace_id: `trace-${i}` } }, `pino line ${i}`);
transport.on('close', () => console.log(`pino: sent ${count} lines`));
logger.flush();
transport.end();
