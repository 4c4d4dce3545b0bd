import { classifyError, EngineError } from './errors';
import { takeHtmlAnswer } from './host-fetch';
import type { EngineErrorCode } from './protocol';

/**
 * One error, the most precise one, for a failed inspect or load: a typed error from the host
 * fetch (unreachable, timeout) stands; a "not found" after the host served web pages becomes
 * `not_model_repo`; anything else is classified from its text.
 */
export function explainLoadError(e: unknown, fallback?: EngineErrorCode): EngineError {
  const html = takeHtmlAnswer();
  if (e instanceof EngineError && e.code !== 'model_not_found') return e;
  if (html) return html;
  // A config or tokenizer file that is not JSON: the host serves something, but not a model.
  if (e instanceof SyntaxError) return new EngineError('not_model_repo', String(e));
  const err = classifyError(e);
  return fallback && err.code === 'unknown' ? new EngineError(fallback, err.detail) : err;
}
