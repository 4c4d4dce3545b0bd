import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../engine/client';
import { createChatSlice, type ToolRunner } from '../features/chat/chat-slice';
import { createModelsSlice } from '../features/models/models-slice';
import { createSettingsSlice } from '../features/settings/settings-slice';
import { createToolsSlice } from '../features/tools/tools-slice';
import type { AppState } from './app-state';

/** One store of feature slices; the engine is injected so tests can drive it with a fake worker. */
export function createAppStore(engine: EngineClient, tools: () => ToolRunner) {
  const store = createStore<AppState>()((...a) => ({
    ...createSettingsSlice(...a),
    ...createToolsSlice(...a),
    ...createModelsSlice(engine)(...a),
    ...createChatSlice(engine, tools)(...a),
  }));
  engine.onStatus((e) => store.getState().markFatal(e.error));
  return store;
}

export type AppStore = ReturnType<typeof createAppStore>;
