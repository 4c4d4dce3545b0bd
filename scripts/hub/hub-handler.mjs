// A request handler with the Hugging Face hub's file URL layout, so transformers.js can download
// from it by setting `env.remoteHost` (its default path template is `{model}/resolve/{revision}/`):
//   GET|HEAD {prefix}/{org}/{name}/resolve/{revision}/{path}  ->  {root}/{org}/{name}/{path}
//   GET      {prefix}/fixtures.json                            ->  {root}/index.json
// Any revision is served, because transformers.js probes tokenizer_config.json at `main` even when
// a revision is pinned. Range requests get 206 (its size probes use `bytes=0-0`); every response
// under the prefix carries CORS headers, so a cross-origin page still sees a 404 as a 404.
// Works as Vite/connect middleware (`(req, res, next)`) and as a plain `http.createServer` handler.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** @typedef {import('node:http').ServerResponse} ServerResponse */
/**
 * Connect (Vite's middleware stack) adds `originalUrl`; a plain Node server does not.
 * @typedef {import('node:http').IncomingMessage & { originalUrl?: string }} HubRequest
 */

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.json': 'application/json; charset=utf-8',
  '.jinja': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const RESOLVE_PATH = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/;

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} message
 * @param {string} [code] the hub's X-Error-Code
 */
function sendError(res, status, message, code) {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...(code ? { 'X-Error-Code': code } : {}),
  });
  res.end(body);
}

/**
 * Parses a single `bytes=` range. Returns null to serve the whole file, or 'unsatisfiable'.
 * @param {string | undefined} header
 * @param {number} size
 * @returns {{ start: number, end: number } | 'unsatisfiable' | null}
 */
export function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0
      ? 'unsatisfiable'
      : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

/** @param {string} file */
async function fileStat(file) {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

/**
 * @param {HubRequest} req
 * @param {ServerResponse} res
 * @param {string} file
 */
async function serveFile(req, res, file) {
  const info = await fileStat(file);
  if (!info?.isFile()) return sendError(res, 404, 'Entry not found', 'EntryNotFound');
  const size = info.size;
  res.setHeader('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  res.setHeader('Cache-Control', 'no-cache');

  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    return res.end();
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range) {
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': end - start + 1,
    });
  } else {
    res.writeHead(200, { 'Content-Length': size });
  }
  if (req.method === 'HEAD' || size === 0) return res.end();
  const stream = createReadStream(file, { start, end });
  stream.on('error', (err) => res.destroy(err));
  stream.pipe(res);
}

/**
 * Path segments of the request, or null for anything that could leave the repo folder.
 * @param {string} raw
 */
function decodeSegments(raw) {
  let segments;
  try {
    // Decoding before splitting also accepts an encoded `/` in the file path, as the hub does.
    segments = raw.split('/').flatMap((s) => decodeURIComponent(s).split('/'));
  } catch {
    return null;
  }
  const unsafe = segments.some((s) => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s));
  return unsafe ? null : segments;
}

/**
 * @param {HubRequest} req
 * @param {ServerResponse} res
 * @param {string} rootDir
 * @param {string} rest the path after the prefix
 */
async function handle(req, res, rootDir, rest) {
  if (rest === '/fixtures.json') return serveFile(req, res, path.join(rootDir, 'index.json'));
  const match = RESOLVE_PATH.exec(rest);
  const repo = match && decodeSegments(`${match[1]}/${match[2]}`);
  const filePath = match && decodeSegments(match[4]);
  if (repo?.length !== 2 || !filePath) return sendError(res, 404, 'Not found', 'EntryNotFound');
  const [org, name] = repo;
  const repoDir = path.join(rootDir, org, name);
  if (!(await fileStat(repoDir))?.isDirectory()) {
    return sendError(res, 404, 'Repository not found', 'RepoNotFound');
  }
  return serveFile(req, res, path.join(repoDir, ...filePath));
}

/**
 * Serves the folder `root` under the URL path `prefix`; `next` (connect) gets every other request.
 * @param {{ root: string, prefix?: string }} options
 * @returns {(req: HubRequest, res: ServerResponse, next?: (err?: unknown) => void) => void}
 */
export function createHubHandler({ root, prefix = '/hub' }) {
  const rootDir = path.resolve(root);
  const base = prefix.replace(/\/+$/, '');
  return function hubHandler(req, res, next) {
    // Connect strips a mount path from req.url but keeps the full one in originalUrl.
    const { pathname } = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost');
    if (!pathname.startsWith(`${base}/`)) {
      if (next) next();
      else sendError(res, 404, 'Not found');
      return;
    }
    for (const [header, value] of Object.entries(CORS_HEADERS)) res.setHeader(header, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Range',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      sendError(res, 405, 'Method not allowed');
      return;
    }
    handle(req, res, rootDir, pathname.slice(base.length)).catch((err) => {
      if (res.headersSent) res.destroy(err);
      else sendError(res, 500, String(err?.message ?? err));
    });
  };
}
