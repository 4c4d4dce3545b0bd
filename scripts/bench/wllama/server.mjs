// A static server on 127.0.0.1 for the wllama bench page. COOP/COEP make the page cross-origin
// isolated, without which wllama has no SharedArrayBuffer and silently runs single-threaded.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // instantiateStreaming rejects .wasm served under any other type.
  '.wasm': 'application/wasm',
  '.gguf': 'application/octet-stream',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * Serves `routes` (URL path -> { file } or { body, type }). Resolves to { url, close() }.
 * Port 0 picks a free port.
 * @param {{
 *   port?: number,
 *   routes: Record<string, { file: string } | { body: string, type: string }>,
 * }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function startServer({ port = 0, routes }) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route || req.method !== 'GET') {
      res.writeHead(404, ISOLATION_HEADERS).end();
      return;
    }
    if ('body' in route) {
      res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': route.type }).end(route.body);
      return;
    }
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': TYPES[extname(route.file)] ?? 'application/octet-stream',
      'Content-Length': statSync(route.file).size,
    });
    createReadStream(route.file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
