import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { Conversation } from '../features/chat/conversation';
import type { SettingsState } from '../features/settings/settings-slice';
import type { ToolsSlice } from '../features/tools/tools-slice';
import type { AppStore } from './create-store';

interface Index {
  ids: string[];
  activeId: string;
  selectedRepo: string;
}

const convKey = (id: string) => `conversation:${id}`;

/**
 * Keeps conversations and settings in IndexedDB. Each conversation is its own record and is
 * written whenever its object changes (streaming replaces it per token), so a reload at any
 * moment finds what was on screen; unchanged conversations are never rewritten.
 */
export async function attachPersistence(
  store: AppStore,
  db: UseStore = createStore('lfm2-playground', 'state'),
) {
  const [index, settings, tools] = await Promise.all([
    get<Index>('index', db),
    get<SettingsState>('settings', db),
    get<ToolsSlice['tools']>('tools', db),
  ]);
  if (settings) store.setState((s) => ({ settings: { ...s.settings, ...settings } }));
  if (tools)
    store.setState((s) => ({
      tools: { list: tools.list, settings: { ...s.tools.settings, ...tools.settings } },
    }));
  if (index) {
    const convs = (
      await Promise.all(index.ids.map((id) => get<Conversation>(convKey(id), db)))
    ).filter((c): c is Conversation => Boolean(c));
    store.getState().hydrateChat(convs, index.activeId);
    if (index.selectedRepo)
      store.setState((s) => ({ models: { ...s.models, selectedRepo: index.selectedRepo } }));
  }

  let queue = Promise.resolve();
  const enqueue = (job: () => Promise<void>) => {
    queue = queue.then(job).catch((e) => console.warn('Saving to IndexedDB failed', e));
  };
  const writeIndex = (st: ReturnType<AppStore['getState']>) => {
    const idx: Index = {
      ids: st.chat.order,
      activeId: st.chat.activeId,
      selectedRepo: st.models.selectedRepo,
    };
    enqueue(() => set('index', idx, db));
  };
  writeIndex(store.getState());
  store.subscribe((next, prev) => {
    if (next.tools !== prev.tools) {
      const t = next.tools;
      enqueue(() => set('tools', t, db));
    }
    if (next.settings !== prev.settings) {
      const s = next.settings;
      enqueue(() => set('settings', s, db));
    }
    const n = next.chat;
    const p = prev.chat;
    for (const id of n.order) {
      const c = n.conversations[id];
      if (c !== p.conversations[id]) enqueue(() => set(convKey(id), c, db));
    }
    for (const id of p.order) if (!n.conversations[id]) enqueue(() => del(convKey(id), db));
    if (
      n.order !== p.order ||
      n.activeId !== p.activeId ||
      next.models.selectedRepo !== prev.models.selectedRepo
    )
      writeIndex(next);
  });
  return { flushed: () => queue };
}
