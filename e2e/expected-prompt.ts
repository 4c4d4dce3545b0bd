import { resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

/** Renders a conversation with the fixture's own template in Node, independently of the app. */
export async function renderWithTemplate(
  repo: string,
  messages: { role: string; content: string }[],
): Promise<string> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${resolve('fixtures/models')}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(repo);
  return tokenizer.apply_chat_template(messages as never, {
    add_generation_prompt: true,
    tokenize: false,
  }) as string;
}
