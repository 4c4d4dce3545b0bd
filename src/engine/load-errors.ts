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
  // Files that exist but that Transformers.js cannot make sense of (a config of another shape).
  if (e instanceof TypeError)
    return new EngineError(
      'unsupported_model',
      String(e),
      'The repository was found, but its configuration is not one the playground can load. Check that it is an LFM2 ONNX export (config.json with model_type "lfm2").',
    );
  const err = classifyError(e);
  return fallback && err.code === 'unknown' ? new EngineError(fallback, err.detail) : err;
}
