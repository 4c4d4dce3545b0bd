import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EngineClient, type WorkerLike } from '../../engine/client';
import { createAppStore } from '../../store/create-store';
import { attachPersistence } from '../../store/persistence';
import { checkDefinition } from '../../lib/tools/tool-definition';
import { exportToolSet } from './tool-set-io';
import { readyTools } from '../../lib/tools/offered-tools';
import { PlaygroundDb } from '../../store/db';

const idleWorker = (): WorkerLike => ({
  postMessage() {},
  terminate() {},
  onmessage: null,
  onerror: null,
});
const newStore = () =>
  createAppStore(new EngineClient(idleWorker), () => ({
    run: async () => ({ ok: true, value: null, logs: [], durationMs: 0 }),
  }));
const names = (store: ReturnType<typeof newStore>) =>
  store.getState().tools.list.map((t) => checkDefinition(t.definition).definition?.name);

describe('tools slice', () => {
  it('starts with the starter tools, all offered once enabled', () => {
    const store = newStore();
    expect(names(store)).toEqual([
      'get_weather',
      'get_candidate_status',
      'calculate',
      'get_current_datetime',
      'convert_units',
    ]);
    expect(readyTools(store.getState().tools.list)).toHaveLength(5);
  });

  it('adds, duplicates with a unique name, reorders and deletes', () => {
    const store = newStore();
    const s = store.getState();
    const id = s.addTool();
    expect(names(store).at(-1)).toBe('my_tool');
    store.getState().duplicateTool(id);
    expect(names(store).slice(-2)).toEqual(['my_tool', 'my_tool_copy']);
    store.getState().moveTool(id, -1);
    expect(names(store).slice(-3)).toEqual(['my_tool', 'convert_units', 'my_tool_copy']);
    store.getState().deleteTool(id);
    expect(names(store)).not.toContain('my_tool');
  });

  it('offers only enabled tools whose definition and code are valid, first name wins', () => {
    const store = newStore();
    const [weather, candidate, calc] = store.getState().tools.list;
    store.getState().updateTool(weather.id, { enabled: false });
    store.getState().updateTool(candidate.id, { implementation: 'function (' });
    store.getState().updateTool(calc.id, {
      definition: calc.definition.replace('"calculate"', '"convert_units"'),
    });
    // The renamed calculator now comes first as convert_units; the real one is a duplicate.
    expect(readyTools(store.getState().tools.list).map((r) => r.definition.name)).toEqual([
      'convert_units',
      'get_current_datetime',
    ]);
  });

  it('exports and imports the whole set, keeping definition text verbatim', () => {
    const a = newStore();
    const b = newStore();
    const json = exportToolSet(a.getState().tools.list);
    expect(b.getState().importTools(json, 'replace')).toBeNull();
    expect(b.getState().tools.list.map((t) => t.definition)).toEqual(
      a.getState().tools.list.map((t) => t.definition),
    );
    expect(b.getState().importTools('{"format":"x"}', 'append')).toMatch(
      /Not an LFM2 Playground tool set/,
    );
  });

  it('clamps settings to sane ranges', () => {
    const store = newStore();
    store.getState().setToolSettings({ timeoutMs: 0, maxRounds: 99 });
    expect(store.getState().tools.settings).toMatchObject({ timeoutMs: 10_000, maxRounds: 20 });
  });

  it('persists tools and their settings across reloads', async () => {
    const name = `tools-${Math.random()}`;
    const db = () => new PlaygroundDb(name);
    const a = newStore();
    const persisted = await attachPersistence(a, db(), `c-${name}`);
    a.getState().addTool();
    a.getState().setToolSettings({ offerTools: true, timeoutMs: 2500 });
    await persisted.flushed();
    const b = newStore();
    await attachPersistence(b, db(), `c-${name}`);
    expect(names(b).at(-1)).toBe('my_tool');
    expect(b.getState().tools.settings).toMatchObject({ offerTools: true, timeoutMs: 2500 });
  });
});
