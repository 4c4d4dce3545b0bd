import {
  checkDefinition,
  checkImplementation,
  type Tool,
  type ToolDefinition,
} from './tool-definition';

export interface ReadyTool {
  tool: Tool;
  definition: ToolDefinition;
}

/** Enabled tools whose definition and code are valid, in list order; a later duplicate name is skipped. */
export function readyTools(list: readonly Tool[]): ReadyTool[] {
  const names: string[] = [];
  const out: ReadyTool[] = [];
  for (const tool of list) {
    if (!tool.enabled) continue;
    const check = checkDefinition(tool.definition, names);
    if (!check.ok || checkImplementation(tool.implementation).length) continue;
    names.push(check.definition.name);
    out.push({ tool, definition: check.definition });
  }
  return out;
}

export interface OfferedTools {
  ready: ReadyTool[];
  /** What the chat template gets as `tools`; undefined when nothing is offered (plain chat). */
  definitions: ToolDefinition[] | undefined;
}

const NONE: OfferedTools = { ready: [], definitions: undefined };
let memo: { list: readonly Tool[]; offer: boolean; value: OfferedTools } | null = null;

/**
 * The one place that decides which tools the model is offered. The reply runner and the prompt
 * inspector both call it, so the inspector can never show a prompt the reply would not send.
 * Memoised on the list's identity: the store replaces the list on every edit.
 */
export function offeredTools(tools: {
  list: readonly Tool[];
  settings: { offerTools: boolean };
}): OfferedTools {
  const { list } = tools;
  const offer = tools.settings.offerTools;
  if (memo && memo.list === list && memo.offer === offer) return memo.value;
  let value = NONE;
  if (offer) {
    const ready = readyTools(list);
    value = ready.length ? { ready, definitions: ready.map((r) => r.definition) } : NONE;
  }
  memo = { list, offer, value };
  return value;
}
