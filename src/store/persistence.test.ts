import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createConversation, type Conversation } from '../features/chat/conversation';
import { PlaygroundDb } from './db';
import { attachPersistence } from './persistence';
import { eventually, newIdleStore } from './test-store';

const newStore = () => newIdleStore();

/** Writes a database exactly as version 1 (idb-keyval's one `state` store) left it. */
async function writeV1(name: string, records: Record<string, unknown>) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('state');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const tx = db.transaction('state', 'readwrite');
  for (const [k, v] of Object.entries(records)) tx.objectStore('state').put(v, k);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

const unique = () => `db-${Math.random().toString(36).slice(2)}`;

describe('storage schema', () => {
  it('migrates version 1 records: conversations, tools, settings and the open conversation', async () => {
    const name = unique();
    const a = createConversation('sys');
    a.title = 'Kept';
    a.messages = [{ id: 'm1', role: 'user', content: 'hi', status: 'done', createdAt: 1 }];
    const b = { ...createConversation(), title: 'Open one', updatedAt: 1 };
    await writeV1(name, {
      index: { ids: [a.id, b.id], activeId: b.id, selectedRepo: 'org/model' },
      [`conversation:${a.id}`]: a,
      [`conversation:${b.id}`]: b,
      settings: { threads: 3 },
      tools: { list: [], settings: { offerTools: true } },
    });
    const store = newStore();
    const p = await attachPersistence(store, new PlaygroundDb(name), name);
    const s = store.getState();
    expect(
      Object.values(s.chat.conversations)
        .map((c) => c.title)
        .sort(),
    ).toEqual(['Kept', 'Open one']);
    expect(s.chat.conversations[a.id].messages[0].content).toBe('hi');
    expect(s.chat.activeId).toBe(b.id);
    expect(s.models.selectedRepo).toBe('org/model');
    expect(s.settings.threads).toBe(3);
    expect(s.tools).toMatchObject({ list: [], settings: { offerTools: true } });
    p.close();
  });

  it('leaves a stored record that does not match the schema in place instead of deleting it', async () => {
    const name = unique();
    const db = new PlaygroundDb(name);
    const good = createConversation();
    await db.conversations.put(good);
    await db.conversations.put({ id: 'broken', title: 3 } as unknown as Conversation);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const store = newStore();
    const p = await attachPersistence(store, db, name);
    expect(Object.keys(store.getState().chat.conversations)).toEqual([good.id]);
    expect(warn).toHaveBeenCalled();
    store.getState().newConversation();
    await p.flushed();
    expect(await db.conversations.get('broken')).toMatchObject({ title: 3 });
    warn.mockRestore();
    p.close();
  });

  it('settles a conversation stored mid-reply when it is read back', async () => {
    const name = unique();
    const db = new PlaygroundDb(name);
    const c = createConversation();
    c.messages = [
      { id: 'a', role: 'assistant', content: 'part', status: 'streaming', createdAt: 1 },
      {
        id: 't',
        role: 'tool',
        content: '',
        status: 'done',
        createdAt: 2,
        execution: { name: 'f', args: {}, status: 'awaiting-approval' },
      },
    ];
    await db.conversations.put(c);
    const store = newStore();
    const p = await attachPersistence(store, db, name);
    const got = store.getState().chat.conversations[c.id].messages;
    expect(got[0].status).toBe('interrupted');
    expect(got[1].execution?.status).toBe('interrupted');
    p.close();
  });
});

describe('two tabs', () => {
  async function twoTabs() {
    const name = unique();
    const a = newStore();
    const b = newStore();
    const pa = await attachPersistence(a, new PlaygroundDb(name), name);
    const pb = await attachPersistence(b, new PlaygroundDb(name), name);
    return { name, a, b, pa, pb, close: () => (pa.close(), pb.close()) };
  }
  const titles = (s: ReturnType<typeof newStore>) =>
    s.getState().chat.order.map((id) => s.getState().chat.conversations[id].title);

  it('conversations created in both tabs all survive, and each tab lists them all', async () => {
    const t = await twoTabs();
    t.a.getState().newConversation();
    t.a.getState().renameConversation(t.a.getState().chat.activeId, 'from A');
    t.b.getState().newConversation();
    t.b.getState().renameConversation(t.b.getState().chat.activeId, 'from B');
    await eventually(() => expect(titles(t.a)).toContain('from B'));
    await eventually(() => expect(titles(t.b)).toContain('from A'));
    await t.pa.flushed();
    await t.pb.flushed();
    // A tab opened now reads both from the database.
    const c = newStore();
    const pc = await attachPersistence(c, new PlaygroundDb(t.name), t.name);
    expect(titles(c)).toEqual(expect.arrayContaining(['from A', 'from B']));
    pc.close();
    t.close();
  });

  it('an edit in one tab reaches the other; a delete there removes it here', async () => {
    const t = await twoTabs();
    const id = t.a.getState().chat.activeId;
    t.a.getState().renameConversation(id, 'Shared');
    await eventually(() => expect(t.b.getState().chat.conversations[id]?.title).toBe('Shared'));
    t.b.getState().setSystemPrompt('x');
    t.b.getState().newConversation();
    t.b.getState().deleteConversation(id);
    await eventually(() => expect(t.a.getState().chat.conversations[id]).toBeUndefined());
    // Undo in B brings it back in A as well.
    t.b.getState().undoDelete();
    await eventually(() => expect(t.a.getState().chat.conversations[id]?.title).toBe('Shared'));
    t.close();
  });

  it('tool and settings edits in one tab reach the other', async () => {
    const t = await twoTabs();
    t.a.getState().setToolSettings({ timeoutMs: 4321 });
    t.a.getState().setThreads(1);
    await eventually(() => expect(t.b.getState().tools.settings.timeoutMs).toBe(4321));
    await eventually(() => expect(t.b.getState().settings.threads).toBe(1));
    t.close();
  });
});
