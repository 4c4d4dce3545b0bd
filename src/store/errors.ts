import { EngineError, type EngineErrorInfo } from '../engine/errors';

export function toErrorInfo(e: unknown): EngineErrorInfo {
  if (e instanceof EngineError) return e.toInfo();
  return { code: 'unknown', message: 'Something went wrong.', detail: String(e) };
}
