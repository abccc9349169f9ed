// A minimal reverse proxy for the browser test: serves <store> under a path prefix (strips it on
// the way in, HTTP and WebSocket upgrades alike), recording the paths it was asked for.
'use strict';
const http = require('node:http');
const net = require('node:net');

function startPrefixProxy(store, prefix) {
  const target = new URL(store);
  const paths = [];
  const strip = (url) => (url.startsWith(prefix) ? url.slice(prefix.length) || '/' : null);
  const server = http.createServer((req, res) => {
    paths.push(req.url);
    const p = strip(req.url);
    if (p === null) { res.writeHead(404); res.end('outside the prefix\n'); return; }
    const up = http.request({ host: target.hostname, port: target.port, path: p, method: req.method, headers: req.headers },
      (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  server.on('upgrade', (req, socket, head) => {
    paths.push(req.url);
    const p = strip(req.url);
    const up = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${p} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`), '', ''];
      up.write(lines.join('\r\n'));
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, paths, close: () => server.close(),
  })));
}

module.exports = { startPrefixProxy };
