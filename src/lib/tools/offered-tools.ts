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

/**
 * Which tool owns each name. When two tools share a name, the one that had it first keeps it
 * (`renamedAt`, then list order), so renaming a tool onto a taken name flags the renamed tool,
 * never the one that already had the name.
 */
export function nameOwners(list: readonly Tool[]): Map<string, string> {
  const owners = new Map<string, { id: string; since: number }>();
  for (const tool of list) {
    const name = checkDefinition(tool.definition).definition?.name;
    if (typeof name !== 'string' || !name) continue;
    const since = tool.renamedAt ?? 0;
    const held = owners.get(name);
    if (!held || since < held.since) owners.set(name, { id: tool.id, since });
  }
  return new Map([...owners].map(([name, o]) => [name, o.id]));
}

/** Names another tool owns: `toolId` may not use them. */
export function namesTakenFor(list: readonly Tool[], toolId: string): string[] {
  return [...nameOwners(list)].filter(([, id]) => id !== toolId).map(([name]) => name);
}

/** Enabled tools whose definition and code are valid, in list order. */
export function readyTools(list: readonly Tool[]): ReadyTool[] {
  const out: ReadyTool[] = [];
  for (const tool of list) {
    if (!tool.enabled) continue;
    const check = checkDefinition(tool.definition, namesTakenFor(list, tool.id));
    if (!check.ok || checkImplementation(tool.implementation).length) continue;
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
