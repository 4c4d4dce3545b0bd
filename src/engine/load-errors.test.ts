import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from './errors';
import { createHostFetch, takeHtmlAnswer } from './host-fetch';
import { explainLoadError } from './load-errors';

afterEach(() => void takeHtmlAnswer());

describe('explainLoadError', () => {
  it('keeps a typed host failure', () => {
    expect(explainLoadError(new EngineError('host_unreachable')).code).toBe('host_unreachable');
  });
  it('a "not found" after the host served web pages means the host is not a model host', async () => {
    const f = createHostFetch(
      async () => new Response('<html>', { headers: { 'content-type': 'text/html' } }),
    );
    await f('http://h/org/m/resolve/main/config.json');
    expect(explainLoadError(new Error('Could not locate file')).code).toBe('not_model_repo');
  });
  it('a file that is not JSON is not a model repo; a config of another shape is unsupported', () => {
    expect(explainLoadError(new SyntaxError('Unexpected token <')).code).toBe('not_model_repo');
    expect(
      explainLoadError(new TypeError("Cannot read properties of undefined (reading 'model_type')"))
        .code,
    ).toBe('unsupported_model');
  });
  it('falls back to the given code for what it cannot classify', () => {
    expect(explainLoadError(new Error('weird'), 'model_not_found').code).toBe('model_not_found');
    expect(explainLoadError(new Error('Could not locate file x')).code).toBe('model_not_found');
  });
});
