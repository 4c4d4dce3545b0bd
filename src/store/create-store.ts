import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../engine/client';
import { createChatSlice } from '../features/chat/chat-slice';
import { createModelsSlice } from '../features/models/models-slice';
import { createSettingsSlice } from '../features/settings/settings-slice';
import type { AppState } from './app-state';

/** One store of feature slices; the engine is injected so tests can drive it with a fake worker. */
export function createAppStore(engine: EngineClient) {
  const store = createStore<AppState>()((...a) => ({
    ...createSettingsSlice(...a),
    ...createModelsSlice(engine)(...a),
    ...createChatSlice(engine)(...a),
  }));
  engine.onStatus((e) => store.getState().markFatal(e.error));
  return store;
}

export type AppStore = ReturnType<typeof createAppStore>;
