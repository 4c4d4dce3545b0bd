import type { GenerationParams } from '../lib/generation-params';
import type { GenerateResult, PromptRequest, RenderedPrompt } from './protocol';

/**
 * What the worker holds for a loaded model. Text models implement chat; a vision model
 * (AutoProcessor + AutoModelForImageTextToText) will implement the same chat surface with images
 * in `PromptRequest`, and an embedding model for retrieval will be a separate `kind` with `embed`.
 */
export interface ModelHandle {
  readonly kind: 'text' | 'vision' | 'embedding';
  dispose(): Promise<void>;
}

export interface ChatModelHandle extends ModelHandle {
  readonly kind: 'text' | 'vision';
  render(req: PromptRequest): RenderedPrompt;
  generate(
    req: PromptRequest,
    params: GenerationParams,
    onText: (text: string) => void,
  ): Promise<GenerateResult>;
  /** Ends the running generation after the current token; its partial reply is returned normally. */
  stop(): void;
}
