#!/usr/bin/env node
// Writes the benchmark model (make-model.mjs) without running the benchmark and prints its folder:
//   node scripts/bench/bin/make-model.mjs [dtype ...]
// With dtypes (fp32 fp16 q4 q4f16 q8) only those files are written; existing files are kept.
import { DTYPES, isDtype } from '../../fixtures/repo-files.mjs';
import { makeBenchModel } from '../make-model.mjs';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = only.filter((d) => !isDtype(d));
if (unknown.length) throw new Error(`unknown dtype ${unknown.join(', ')} (${DTYPES.join(', ')})`);
console.log(makeBenchModel(only.length ? { dtypes: only.filter(isDtype) } : {}));
