import { describe, expect, it } from 'vitest';
import { classifyError, EngineError } from './errors';

describe('classifyError', () => {
  it.each([
    [
      'Could not locate file: "https://x/test-org/nope/resolve/main/config.json".',
      'model_not_found',
    ],
    ['Error: failed to allocate a buffer of size 123', 'out_of_memory'],
    ['RangeError: Array buffer allocation failed', 'out_of_memory'],
    [
      "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.",
      'corrupt_file',
    ],
    ['TypeError: Failed to fetch', 'network'],
    ['QuotaExceededError: The quota has been exceeded.', 'quota_exceeded'],
    ['The device (webgpu) does not support fp16.', 'fp16_unsupported'],
    ['GPU device was lost: destroyed', 'device_lost'],
    ['something odd', 'unknown'],
  ])('%s → %s', (message, code) => {
    const e = classifyError(new Error(message));
    expect(e.code).toBe(code);
    expect(e.detail).toContain(message);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('round-trips through the wire shape with its class and code', () => {
    const wire = JSON.parse(JSON.stringify(new EngineError('network', 'raw').toInfo()));
    const back = EngineError.fromInfo(wire);
    expect(back).toBeInstanceOf(EngineError);
    expect(back.code).toBe('network');
    expect(back.detail).toBe('raw');
  });
});
