import type { SettingsState } from '../features/settings/settings-slice';
import type { ToolsSlice } from '../features/tools/tools-slice';
import type { AppStore } from './create-store';
import { DB_NAME, PlaygroundDb, readConversation, readConversations, type KvKey } from './db';

interface UiRecord {
  activeId?: string;
  selectedRepo?: string;
}

/** What one tab tells the others after it wrote a record. */
type SyncMessage = { kind: 'conversation'; id: string } | { kind: 'kv'; key: KvKey };

export interface Persistence {
  /** Resolves once every write queued so far has reached IndexedDB. */
  flushed(): Promise<void>;
  close(): void;
}

/**
 * Keeps conversations, tools and settings in IndexedDB and in step between tabs.
 *
 * Each conversation is its own record, written when its object changes (streaming replaces it
 * every 50 ms, so a reload finds what was on screen) and deleted when it goes; there is no
 * shared index record for two tabs to overwrite. After each write the tab names the record on a
 * BroadcastChannel; the other tabs read it back and merge it (newer `updatedAt` wins, and a
 * reply running in a tab keeps its conversation until it ends).
 */
export async function attachPersistence(
  store: AppStore,
  db: PlaygroundDb = new PlaygroundDb(),
  channelName = DB_NAME,
): Promise<Persistence> {
  const [conversations, settings, tools, ui] = await Promise.all([
    readConversations(db),
    db.kv.get('settings') as Promise<Partial<SettingsState> | undefined>,
    db.kv.get('tools') as Promise<ToolsSlice['tools'] | undefined>,
    db.kv.get('ui') as Promise<UiRecord | undefined>,
  ]);
  if (settings) store.setState((s) => ({ settings: { ...s.settings, ...settings } }));
  if (tools) store.setState((s) => ({ tools: mergeTools(s.tools, tools) }));
  store.getState().hydrateChat(conversations, ui?.activeId);
  if (ui?.selectedRepo) {
    const repo = ui.selectedRepo;
    store.setState((s) => ({ models: { ...s.models, selectedRepo: repo } }));
  }

  const channel =
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channelName);
  /**
   * The object each record holds in IndexedDB as far as this tab knows (written by it, or read
   * after another tab wrote it), so a record is written only when this tab changed it.
   */
  const synced = new Map<string, unknown>();
  const changed = (key: string, value: unknown) => {
    if (synced.get(key) === value) return false;
    synced.set(key, value);
    return true;
  };
  for (const c of conversations) synced.set(c.id, c);

  let queue = Promise.resolve();
  const enqueue = (job: () => Promise<unknown>, announce?: SyncMessage) => {
    queue = queue
      .then(job)
      .then(() => announce && channel?.postMessage(announce))
      .catch((e: unknown) => {
        console.warn('Saving to IndexedDB failed', e);
        store.setState((s) => ({
          chat: {
            ...s.chat,
            notice: `Could not save to the browser's storage (${describe(e)}). Your latest changes live only in this tab: export what matters.`,
          },
        }));
      });
  };
  const putKv = (key: KvKey, value: unknown) =>
    enqueue(() => db.kv.put(value, key), key === 'ui' ? undefined : { kind: 'kv', key });

  store.subscribe((next, prev) => {
    if (next.tools !== prev.tools && changed('kv:tools', next.tools)) putKv('tools', next.tools);
    if (next.settings !== prev.settings && changed('kv:settings', next.settings))
      putKv('settings', next.settings);
    const n = next.chat.conversations;
    const p = prev.chat.conversations;
    if (n !== p) {
      for (const [id, c] of Object.entries(n))
        if (c !== p[id] && changed(id, c))
          enqueue(() => db.conversations.put(c), { kind: 'conversation', id });
      for (const id of Object.keys(p))
        if (!n[id] && synced.has(id)) {
          synced.delete(id);
          enqueue(() => db.conversations.delete(id), { kind: 'conversation', id });
        }
    }
    if (
      next.chat.activeId !== prev.chat.activeId ||
      next.models.selectedRepo !== prev.models.selectedRepo
    )
      putKv('ui', { activeId: next.chat.activeId, selectedRepo: next.models.selectedRepo });
  });

  if (channel)
    channel.onmessage = (e: MessageEvent<SyncMessage>) => {
      const msg = e.data;
      // Read in the same queue as our writes, so a record is never read half-way through ours.
      enqueue(async () => {
        if (msg.kind === 'conversation') {
          const c = await readConversation(db, msg.id);
          if (c === 'invalid') return;
          if (c) synced.set(msg.id, c);
          else synced.delete(msg.id);
          store.getState().applyRemoteConversation(msg.id, c);
        } else if (msg.key === 'tools') {
          const t = (await db.kv.get('tools')) as ToolsSlice['tools'] | undefined;
          if (!t) return;
          const merged = mergeTools(store.getState().tools, t);
          synced.set('kv:tools', merged);
          store.setState({ tools: merged });
        } else if (msg.key === 'settings') {
          const st = (await db.kv.get('settings')) as Partial<SettingsState> | undefined;
          if (!st) return;
          const merged = { ...store.getState().settings, ...st };
          synced.set('kv:settings', merged);
          store.setState({ settings: merged });
        }
      });
    };

  return {
    flushed: () => queue,
    close: () => {
      channel?.close();
      db.close();
    },
  };
}

function mergeTools(
  current: ToolsSlice['tools'],
  stored: ToolsSlice['tools'],
): ToolsSlice['tools'] {
  return { list: stored.list, settings: { ...current.settings, ...stored.settings } };
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.name === 'QuotaExceededError' ? 'storage is full' : e.message;
  return String(e);
}
