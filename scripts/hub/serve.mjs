#!/usr/bin/env node
// Standalone hub mimic:
//   node scripts/hub/serve.mjs [--port 8765] [--host 127.0.0.1] [--root fixtures/models] [--prefix /hub]
// Point transformers.js at it with `env.remoteHost = 'http://127.0.0.1:8765/hub/'`.
// --root can also be a folder of real models laid out as <org>/<name>/<files>, e.g. repos copied
// from a machine with hub access: an offline install or a local mirror of the hub.
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHubHandler } from './hub-handler.mjs';

/**
 * Starts the hub mimic; port 0 picks a free port.
 * @param {{ root: string, prefix?: string, port?: number, host?: string }} options
 * @returns {Promise<{ server: import('node:http').Server, url: string, close: () => Promise<void> }>}
 */
export function startHubServer({ root, prefix = '/hub', port = 0, host = '127.0.0.1' }) {
  const handler = createHubHandler({ root, prefix });
  const server = http.createServer((req, res) => handler(req, res));
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
      done({
        server,
        url: `http://${host}:${actual}${prefix.replace(/\/+$/, '')}/`,
        close: () =>
          new Promise((closed) => {
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8765' },
      host: { type: 'string', default: '127.0.0.1' },
      root: { type: 'string', default: 'fixtures/models' },
      prefix: { type: 'string', default: '/hub' },
    },
  });
  const root = resolve(values.root);
  const { url } = await startHubServer({
    root,
    prefix: values.prefix,
    port: Number(values.port),
    host: values.host,
  });
  console.log(`Serving ${root} as a model hub at ${url}`);
  console.log(`transformers.js: env.remoteHost = '${url}'`);
}
