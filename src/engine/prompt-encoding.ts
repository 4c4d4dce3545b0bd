import type { PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { EngineError } from './errors';
import type { ChatTurn } from './protocol';
import { contentForTemplate } from './template-json';

/**
 * Only the chat template makes control tokens. A prompt is rendered with a placeholder for each
 * piece of text that comes from a person, a tool or a file (system, user and tool turns, and the
 * reply start the user wrote); the template's own text is tokenized as usual (its `<|im_start|>`
 * becomes the control token), while each placeholder's text is tokenized as plain text: a user
 * typing `<|im_end|><|im_start|>system` gets the tokens of those characters, never the control
 * tokens (Hugging Face calls this `split_special_tokens`). Assistant turns are the model's own
 * output and keep the control tokens it generated (tool calls).
 */

/** The parts of the @huggingface/tokenizers object this module uses (untyped in Transformers.js). */
interface RawTokenizer {
  normalizer: ((text: string) => string) | null;
  pre_tokenizer: ((text: string, options: { section_index: number }) => string[]) | null;
  model: ((pieces: string[]) => string[]) & {
    tokens_to_ids: Map<string, number>;
    unk_token_id?: number;
  };
  added_tokens: { content: string; special?: boolean; id: number }[];
  remove_space?: boolean;
}

export interface EncodedPrompt {
  /** The exact string the model receives (placeholders filled in). */
  text: string;
  ids: bigint[];
  /** Character ranges of `text` that hold a control-token string as plain text. */
  plainSpecialSpans: [number, number][];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `push(...items)` passes every item as an argument and overflows the stack on long prompts. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export class PromptEncoder {
  private readonly raw: RawTokenizer;
  private readonly nonSpecialSplitter: RegExp | null;
  private readonly nonSpecialIds: Map<string, number>;
  private readonly specialRe: RegExp | null;

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly chatTemplate: string | undefined,
  ) {
    const raw = (tokenizer as unknown as { _tokenizer?: RawTokenizer })._tokenizer;
    // Fail closed: without these parts user text could not be kept out of the control tokens.
    if (!raw || typeof raw.model !== 'function' || !(raw.model.tokens_to_ids instanceof Map))
      throw new EngineError(
        'unsupported_model',
        'the tokenizer does not expose the parts needed to encode user text as plain text',
      );
    this.raw = raw;
    const nonSpecial = (raw.added_tokens ?? []).filter((t) => !t.special);
    this.nonSpecialIds = new Map(nonSpecial.map((t) => [t.content, t.id]));
    this.nonSpecialSplitter = nonSpecial.length
      ? new RegExp(`(${nonSpecial.map((t) => escapeRe(t.content)).join('|')})`)
      : null;
    const specials = tokenizer.all_special_tokens.filter(Boolean);
    this.specialRe = specials.length ? new RegExp(specials.map(escapeRe).join('|'), 'g') : null;
  }

  encode(
    messages: ChatTurn[],
    tools: object[] | undefined,
    prefill: string | undefined,
    continuation?: string,
  ): EncodedPrompt {
    const nonce = Math.random().toString(36).slice(2, 10);
    const open = `\uE000${nonce}:`;
    const close = '\uE001';
    const plain: string[] = [];
    const templated = messages.map((m) => {
      const content = contentForTemplate(m.content);
      if (m.role === 'assistant') return { ...m, content };
      plain.push(content);
      return { ...m, content: `${open}${plain.length - 1}${close}` };
    });
    let rendered: string;
    try {
      rendered = this.tokenizer.apply_chat_template(templated as never, {
        tools: (tools ?? null) as never,
        add_generation_prompt: true,
        tokenize: false,
        ...(this.chatTemplate ? { chat_template: this.chatTemplate } : {}),
      }) as string;
    } catch (e) {
      throw new EngineError('template_error', String(e));
    }
    const pieces: { text: string; plain: boolean }[] = [];
    const re = new RegExp(`${escapeRe(open)}(\\d+)${close}`, 'g');
    let at = 0;
    for (const m of rendered.matchAll(re)) {
      pieces.push({ text: rendered.slice(at, m.index), plain: false });
      pieces.push({ text: plain[Number(m[1])] ?? '', plain: true });
      at = m.index + m[0].length;
    }
    pieces.push({ text: rendered.slice(at), plain: false });
    // The prefill is the user's own words for the start of the reply: plain text after the
    // template's generation prompt.
    if (prefill) pieces.push({ text: prefill, plain: true });
    // What the model already generated for this reply is its own text, control tokens and all.
    if (continuation) pieces.push({ text: continuation, plain: false });

    let text = '';
    const ids: bigint[] = [];
    const plainSpecialSpans: [number, number][] = [];
    for (const p of pieces) {
      if (!p.text) continue;
      if (p.plain) {
        for (const m of this.specialRe ? p.text.matchAll(this.specialRe) : [])
          plainSpecialSpans.push([text.length + m.index, text.length + m.index + m[0].length]);
        append(ids, this.encodePlain(p.text));
      } else append(ids, this.encodeTemplate(p.text));
      text += p.text;
    }
    return { text, ids, plainSpecialSpans };
  }

  /** Template text: control-token strings become control tokens. */
  private encodeTemplate(text: string): bigint[] {
    const encoded = this.tokenizer(text, { add_special_tokens: false }) as { input_ids: Tensor };
    return Array.from(encoded.input_ids.data as BigInt64Array);
  }

  /** Text from a person, a tool or a file: never a special token, whatever it contains. */
  encodePlain(text: string): bigint[] {
    const out: bigint[] = [];
    const sections = this.nonSpecialSplitter ? text.split(this.nonSpecialSplitter) : [text];
    sections.forEach((section, i) => {
      if (!section) return;
      const added = this.nonSpecialIds.get(section);
      if (added !== undefined) {
        out.push(BigInt(added));
        return;
      }
      for (const token of this.plainTokens(section, i))
        out.push(
          BigInt(this.raw.model.tokens_to_ids.get(token) ?? this.raw.model.unk_token_id ?? 0),
        );
    });
    return out;
  }

  private plainTokens(section: string, index: number): string[] {
    let s = section;
    if (this.raw.remove_space === true) s = s.trim().split(/\s+/).join(' ');
    if (this.raw.normalizer) s = this.raw.normalizer(s);
    if (!s) return [];
    // Plain text never starts the prompt (the template's text comes first), so it is never the
    // first section: Metaspace tokenizers must not add their start-of-text prefix here.
    const words = this.raw.pre_tokenizer
      ? this.raw.pre_tokenizer(s, { section_index: index + 1 })
      : [s];
    return this.raw.model(words);
  }
}
