import { bindArguments } from '../tool-calls/bind-arguments';
import type { JsonValue } from '../tool-calls/json-value';
import { parseToolCalls } from '../tool-calls/parse-calls';
import { splitToolCallSegments } from '../tool-calls/segments';
import type { ReadyTool } from './offered-tools';
import { checkArguments } from './tool-definition';

/** Stage 2 of a tool turn: what the model asked for, as parsed. */
export interface ToolCallsInfo {
  /** The raw text between the call markers, exactly as the model wrote it. */
  raw: string;
  calls: { name: string; args: Record<string, JsonValue>; error?: string }[];
  parseError?: string;
  /** Stage 1: the tool definitions as they appear in the rendered system prompt. */
  toolPrompt?: string;
}

export interface PlannedCall {
  name: string;
  args: Record<string, JsonValue>;
  /** The tool to run; absent when the call cannot run (then `error` says why). */
  tool?: ReadyTool;
  error?: string;
}

/**
 * Stage 2: finds the call blocks in a finished reply and turns each call into something to run
 * or a precise error (unparsable block, unknown function, arguments that fail the schema).
 * Returns null when the reply contains no call block, i.e. it is a final answer.
 */
export function planToolCalls(
  content: string,
  ready: readonly ReadyTool[],
): { info: ToolCallsInfo; planned: PlannedCall[] } | null {
  const blocks = splitToolCallSegments(content, undefined, { final: true }).filter(
    (s) => s.kind === 'call',
  );
  if (blocks.length === 0) return null;
  const info: ToolCallsInfo = { raw: blocks.map((b) => b.raw).join('\n'), calls: [] };
  const planned: PlannedCall[] = [];
  const names = ready.map((r) => r.definition.name);
  for (const block of blocks) {
    if (!block.complete) {
      info.parseError = 'The model stopped before closing its tool call (no <|tool_call_end|>).';
      planned.push({ name: '(unparsed call)', args: {}, error: info.parseError });
      continue;
    }
    const parsed = parseToolCalls(block.raw);
    if (!parsed.ok) {
      info.parseError = `Could not parse the tool call: ${parsed.error}`;
      planned.push({ name: '(unparsed call)', args: {}, error: info.parseError });
      continue;
    }
    for (const call of parsed.calls) {
      const tool = ready.find((r) => r.definition.name === call.name);
      if (!tool) {
        const error = `Unknown function ${call.name}. Available: ${names.join(', ') || 'none'}.`;
        info.calls.push({ name: call.name, args: call.args, error });
        planned.push({ name: call.name, args: call.args, error });
        continue;
      }
      const bound = bindArguments(call, tool.definition.parameters);
      if (!bound.ok) {
        info.calls.push({ name: call.name, args: call.args, error: bound.error });
        planned.push({ name: call.name, args: call.args, error: bound.error });
        continue;
      }
      const problems = checkArguments(tool.definition, bound.args);
      const error = problems.length
        ? `Invalid arguments for ${call.name}: ${problems.join('; ')}.`
        : undefined;
      info.calls.push({ name: call.name, args: bound.args, error });
      planned.push({ name: call.name, args: bound.args, tool: error ? undefined : tool, error });
    }
  }
  return { info, planned };
}

/**
 * Stage 1 as the model saw it: the tool list inside the rendered system turn (both LFM2 and
 * LFM2.5 templates introduce it with "List of tools:").
 */
export function toolListExcerpt(prompt: string): string | undefined {
  const start = prompt.indexOf('List of tools:');
  if (start < 0) return undefined;
  const end = prompt.indexOf('<|im_end|>', start);
  return prompt.slice(start, end < 0 ? undefined : end);
}
