import type { StateCreator } from 'zustand';
import type { AppState } from '../../store/app-state';
import { starterTools } from './starter-tools';
import { checkDefinition, type Tool } from '../../lib/tools/tool-definition';
import { importToolSet } from './tool-set-io';

export interface ToolSettings {
  /** Offer the enabled tools to the model (off: plain chat, no tool list in the prompt). */
  offerTools: boolean;
  /** Per-call limit; a call still running then is terminated. */
  timeoutMs: number;
  /** Most call → execute → respond rounds before the loop stops asking the model. */
  maxRounds: number;
  /** Send unknown functions, bad arguments and unparsable calls back to the model as tool errors. */
  returnErrorsToModel: boolean;
}

export interface ToolsSlice {
  tools: { list: Tool[]; settings: ToolSettings };
  addTool(): string;
  updateTool(id: string, patch: Partial<Omit<Tool, 'id'>>): void;
  duplicateTool(id: string): void;
  deleteTool(id: string): void;
  moveTool(id: string, delta: -1 | 1): void;
  setToolSettings(patch: Partial<ToolSettings>): void;
  /**
   * `merge`: tools with a name already in the list replace it, the rest are added; `replace`:
   * the file becomes the list. Returns an error message, or null.
   */
  importTools(json: string, mode: 'replace' | 'merge'): string | null;
  resetStarterTools(): void;
}

export const DEFAULT_TOOL_SETTINGS: ToolSettings = {
  offerTools: false,
  timeoutMs: 10_000,
  maxRounds: 5,
  returnErrorsToModel: true,
};

const nameOf = (t: Pick<Tool, 'definition'>) => checkDefinition(t.definition).definition?.name;

function uniqueName(base: string, list: readonly Tool[]): string {
  const taken = new Set(list.map(nameOf));
  let i = 1;
  let name = base;
  while (taken.has(name)) name = `${base}_${++i}`;
  return name;
}

export const createToolsSlice: StateCreator<AppState, [], [], ToolsSlice> = (set, get) => {
  const setList = (f: (list: Tool[]) => Tool[]) =>
    set((s) => ({ tools: { ...s.tools, list: f(s.tools.list) } }));
  return {
    tools: { list: starterTools(), settings: DEFAULT_TOOL_SETTINGS },
    addTool: () => {
      const name = uniqueName('my_tool', get().tools.list);
      const tool: Tool = {
        id: crypto.randomUUID(),
        enabled: true,
        askBeforeRunning: false,
        definition: JSON.stringify(
          {
            name,
            description: 'Describe what the tool does, so the model knows when to call it.',
            parameters: {
              type: 'object',
              properties: { text: { type: 'string' } },
              required: ['text'],
            },
          },
          null,
          2,
        ),
        implementation: `async function ${name}({ text }) {\n  return { length: text.length };\n}\n`,
        renamedAt: Date.now(),
      };
      setList((l) => [...l, tool]);
      return tool.id;
    },
    updateTool: (id, patch) =>
      setList((l) =>
        l.map((t) => {
          if (t.id !== id) return t;
          const next = { ...t, ...patch };
          // A new name is held from now: an older tool with the same name keeps it.
          if (patch.definition !== undefined && nameOf(next) !== nameOf(t))
            next.renamedAt = Date.now();
          return next;
        }),
      ),
    duplicateTool: (id) =>
      setList((l) => {
        const i = l.findIndex((t) => t.id === id);
        if (i < 0) return l;
        const src = l[i];
        let definition = src.definition;
        const check = checkDefinition(src.definition);
        if (check.definition?.name) {
          const copyName = uniqueName(`${check.definition.name}_copy`, l);
          definition = src.definition.replace(`"${check.definition.name}"`, `"${copyName}"`);
        }
        return [
          ...l.slice(0, i + 1),
          { ...src, id: crypto.randomUUID(), definition, renamedAt: Date.now() },
          ...l.slice(i + 1),
        ];
      }),
    deleteTool: (id) => setList((l) => l.filter((t) => t.id !== id)),
    moveTool: (id, delta) =>
      setList((l) => {
        const i = l.findIndex((t) => t.id === id);
        const j = i + delta;
        if (i < 0 || j < 0 || j >= l.length) return l;
        const copy = [...l];
        [copy[i], copy[j]] = [copy[j], copy[i]];
        return copy;
      }),
    setToolSettings: (patch) =>
      set((s) => {
        const next = { ...s.tools.settings, ...patch };
        next.timeoutMs = Math.min(
          600_000,
          Math.max(100, Math.round(next.timeoutMs) || DEFAULT_TOOL_SETTINGS.timeoutMs),
        );
        next.maxRounds = Math.min(20, Math.max(1, Math.round(next.maxRounds) || 1));
        return { tools: { ...s.tools, settings: next } };
      }),
    importTools: (json, mode) => {
      const r = importToolSet(json);
      if (!r.ok) return r.error;
      if (mode === 'replace') {
        setList(() => r.tools);
        return null;
      }
      // Merge: a tool whose name is already here replaces that tool in place (importing your own
      // export twice changes nothing); the others are added at the end.
      setList((l) => {
        const incoming = new Map(r.tools.map((t) => [nameOf(t), t]));
        const merged = l.map((t) => {
          const name = nameOf(t);
          const same = name === undefined ? undefined : incoming.get(name);
          if (!same) return t;
          incoming.delete(name);
          return { ...same, id: t.id, renamedAt: t.renamedAt };
        });
        return [...merged, ...[...incoming.values()].map((t) => ({ ...t, renamedAt: Date.now() }))];
      });
      return null;
    },
    resetStarterTools: () => setList(() => starterTools()),
  };
};
