/**
 * The JavaScript engine that runs tool code: QuickJS compiled to WebAssembly
 * (`quickjs-emscripten-core` with the `@jitl/quickjs-wasmfile-release-sync` build, both pinned).
 *
 * The engine runs inside the sandbox's per-call Blob worker, in the opaque-origin iframe, so its
 * JavaScript has to travel as text (the worker cannot import modules from the app's origin). Its
 * published CommonJS builds are wrapped in a tiny `require`; the Emscripten loader (an ES module)
 * has its `import.meta.url` and `export` taken out. The WebAssembly binary is a separate asset:
 * the app fetches it from its own origin (`ENGINE_WASM_URL`) and hands the bytes to the iframe.
 */
import ffiTypesCjs from '../../node_modules/@jitl/quickjs-ffi-types/dist/index.js?raw';
import emscriptenLoaderEsm from '../../node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.browser.mjs?raw';
import variantFfiCjs from '../../node_modules/@jitl/quickjs-wasmfile-release-sync/dist/ffi.js?raw';
import coreCjs from '../../node_modules/quickjs-emscripten-core/dist/index.js?raw';
import engineWasmUrl from '@jitl/quickjs-wasmfile-release-sync/wasm?url';

/** Where the app loads the engine's WebAssembly from (same origin; bundled by Vite). */
export const ENGINE_WASM_URL: string = engineWasmUrl;

/** What the library text evaluates to, in the worker. */
export interface EngineLibrary {
  /** `quickjs-emscripten-core`'s exports. */
  core: unknown;
  /** The variant's FFI class. */
  QuickJSFFI: unknown;
  /** The Emscripten module factory. */
  QuickJSRaw: unknown;
}

function stripSourceMap(text: string): string {
  return text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

/** Replaces exactly `count` occurrences of `find`, or throws: the pinned file changed shape. */
function replaceExactly(text: string, find: string, replacement: string, count: number): string {
  const parts = text.split(find);
  if (parts.length - 1 !== count) {
    throw new Error(
      `quickjs engine: expected ${count} × ${JSON.stringify(find)} in the Emscripten loader, found ${parts.length - 1}`,
    );
  }
  return parts.join(replacement);
}

/** The Emscripten loader as a plain function declaration `async function QuickJSRaw(…)`. */
function loaderAsScript(esm: string): string {
  // The loader only uses import.meta.url to find the .wasm file; we always hand it the compiled
  // module, so any URL will do (its `new URL(".", url)` is inside a try/catch).
  let text = replaceExactly(esm, 'import.meta.url', '"about:blank"', 2);
  text = replaceExactly(text, 'export default QuickJSRaw;', '', 1);
  return stripSourceMap(text);
}

/**
 * Source of a function body (for `new Function` or an IIFE) that returns an `EngineLibrary`.
 * It defines no globals.
 */
export function engineLibrarySource(): string {
  const module = (name: string, cjs: string): string =>
    `defs[${JSON.stringify(name)}] = function (module, exports, require) {\n${stripSourceMap(cjs)}\n};\n`;
  return (
    'const defs = {};\nconst cache = {};\n' +
    'const require = (name) => {\n' +
    '  if (cache[name]) return cache[name].exports;\n' +
    '  if (!defs[name]) throw new Error("quickjs engine: no module " + name);\n' +
    '  const module = { exports: {} };\n' +
    '  cache[name] = module;\n' +
    '  defs[name](module, module.exports, require);\n' +
    '  return module.exports;\n' +
    '};\n' +
    module('@jitl/quickjs-ffi-types', ffiTypesCjs) +
    module('quickjs-emscripten-core', coreCjs) +
    module('variant-ffi', variantFfiCjs) +
    loaderAsScript(emscriptenLoaderEsm) +
    '\nreturn { core: require("quickjs-emscripten-core"), ' +
    'QuickJSFFI: require("variant-ffi").QuickJSFFI, QuickJSRaw: QuickJSRaw };\n'
  );
}
