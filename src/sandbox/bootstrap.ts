/**
 * Builds the sandbox iframe's document (for `srcdoc`) and the tool worker's script from the
 * self-contained functions in `sandbox-runtime.ts`.
 *
 * Why srcdoc: under the app's `Cross-Origin-Embedder-Policy: require-corp`, an iframe document
 * must itself carry COEP or it is blocked. An `about:srcdoc` document inherits the parent's policy
 * container (COEP included), so it loads without any server route or header, while
 * `sandbox="allow-scripts"` (no allow-same-origin) still gives it an opaque origin. A Blob URL
 * created inside that document is owned by the opaque origin, so the worker started from it is
 * opaque too (no IndexedDB, Cache Storage, cookies or localStorage of the app).
 */
import { guestMain } from './guest';
import { engineLibrarySource } from './quickjs-engine';
import {
  describeThrown,
  formatLogArgs,
  frameMain,
  parseParentMessage,
  parseWorkerMessage,
  toJsonResult,
  workerMain,
  type FrameConfig,
} from './sandbox-runtime';

/** Source text of one self-contained function, checked to be safe inside an inline script. */
function fnSource(fn: (...args: never[]) => unknown): string {
  const text = fn.toString();
  if (/<\/script|<!--/i.test(text)) throw new Error('sandbox function text cannot be inlined');
  return text;
}

/** JSON that is also safe inside `<script>` (no `</script>`, `<!--`, or U+2028/2029 surprises). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The source of the code that runs inside the tool's engine: an expression that evaluates to
 * `(host) => GuestApi` (guest.ts, with the helpers that format logs and results in the engine).
 */
export function buildGuestSource(): string {
  return (
    '(function (host) {\n"use strict";\nreturn (' +
    fnSource(guestMain) +
    ')(host,\n' +
    [fnSource(formatLogArgs), fnSource(toJsonResult), fnSource(describeThrown)].join(',\n') +
    ');\n})'
  );
}

/** The tool worker's classic-script source: the engine's library, then `workerMain`. */
export function buildWorkerSource(): string {
  return (
    '"use strict";\n(' +
    fnSource(workerMain) +
    ')((function () {\n' +
    engineLibrarySource() +
    '\n})(),\n' +
    JSON.stringify(buildGuestSource()) +
    ',\nself);\n'
  );
}

export interface SrcdocOptions {
  /** Random per-iframe value: echoed in the handshake and used as the script's CSP nonce. */
  nonce: string;
  /** When false, a CSP blocks fetch/XHR/WebSocket/importScripts/import() for tools. */
  allowNetwork: boolean;
}

/** The iframe document. */
export function buildSrcdoc({ nonce, allowNetwork }: SrcdocOptions): string {
  if (!/^[A-Za-z0-9]+$/.test(nonce)) throw new Error('bad nonce');
  const config: FrameConfig = { nonce, workerSource: buildWorkerSource() };
  const script =
    '(' +
    fnSource(frameMain) +
    ')(' +
    scriptJson(config) +
    ',\n' +
    fnSource(parseParentMessage) +
    ',\n' +
    fnSource(parseWorkerMessage) +
    ');';
  // Blob-URL workers inherit this document's CSP, so it also governs the tools. 'unsafe-eval' is
  // needed to evaluate the tool's source; blob: to start the worker.
  const csp = allowNetwork
    ? ''
    : `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
      `script-src 'nonce-${nonce}' 'unsafe-eval' blob:; worker-src blob:">`;
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    csp +
    `</head><body><script nonce="${nonce}">` +
    script +
    '</script></body></html>'
  );
}
