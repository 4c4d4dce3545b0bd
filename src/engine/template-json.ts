import { Template } from '@huggingface/jinja';

const tojson = new Template('{{ value | tojson }}');

/**
 * Tool results that are objects or arrays must reach the prompt the way the chat template's own
 * `tojson` writes them in training (`", "` and `": "` separators), never as compact
 * JSON.stringify text. LFM2 templates apply `tojson` to non-string content themselves; LFM2.5's
 * would treat an object as a list of content parts. Serialising with the same Jinja `tojson`
 * here gives the LFM2 prompt byte for byte and LFM2.5 the same text.
 */
export function contentForTemplate(content: unknown): string {
  return typeof content === 'string' ? content : tojson.render({ value: content });
}
