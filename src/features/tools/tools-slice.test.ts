import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { attachPersistence } from '../../store/persistence';
import { checkDefinition } from '../../lib/tools/tool-definition';
import { exportToolSet } from './tool-set-io';
import { namesTakenFor, readyTools } from '../../lib/tools/offered-tools';
import { PlaygroundDb } from '../../store/db';
import { newIdleStore } from '../../store/test-store';

const newStore = () => newIdleStore();
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

  it('offers only enabled tools whose definition and code are valid; a name stays with the tool that had it', () => {
    const store = newStore();
    const [weather, candidate, calc] = store.getState().tools.list;
    store.getState().updateTool(weather.id, { enabled: false });
    store.getState().updateTool(candidate.id, { implementation: 'function (' });
    store.getState().updateTool(calc.id, {
      definition: calc.definition.replace('"calculate"', '"convert_units"'),
    });
    // The calculator renamed onto a taken name is the one flagged, though it comes first;
    // the tool that already had the name is still offered.
    expect(readyTools(store.getState().tools.list).map((r) => r.definition.name)).toEqual([
      'get_current_datetime',
      'convert_units',
    ]);
    const list = store.getState().tools.list;
    expect(namesTakenFor(list, calc.id)).toContain('convert_units');
    expect(namesTakenFor(list, list.at(-1)!.id)).not.toContain('convert_units');
  });

  it('importing your own export merges: nothing is duplicated, changed tools are updated', () => {
    const store = newStore();
    const before = store.getState().tools.list;
    const exported = JSON.parse(exportToolSet(before)) as { tools: { implementation: string }[] };
    exported.tools[0].implementation = 'async function get_weather() { return 1; }';
    expect(store.getState().importTools(JSON.stringify(exported), 'merge')).toBeNull();
    const after = store.getState().tools.list;
    expect(after.map((t) => t.id)).toEqual(before.map((t) => t.id));
    expect(after[0].implementation).toBe('async function get_weather() { return 1; }');
    // A tool with a new name is added at the end.
    const extra = JSON.parse(exportToolSet([before[0]])) as { tools: { definition: string }[] };
    extra.tools[0].definition = extra.tools[0].definition.replace('get_weather', 'get_forecast');
    store.getState().importTools(JSON.stringify(extra), 'merge');
    expect(names(store)).toEqual([...names(store).slice(0, before.length), 'get_forecast']);
    expect(names(store)).toHaveLength(before.length + 1);
  });

  it('exports and imports the whole set, keeping definition text verbatim', () => {
    const a = newStore();
    const b = newStore();
    const json = exportToolSet(a.getState().tools.list);
    expect(b.getState().importTools(json, 'replace')).toBeNull();
    expect(b.getState().tools.list.map((t) => t.definition)).toEqual(
      a.getState().tools.list.map((t) => t.definition),
    );
    expect(b.getState().importTools('{"format":"x"}', 'merge')).toMatch(
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
