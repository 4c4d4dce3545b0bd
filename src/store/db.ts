import { Dexie, type EntityTable, type Table } from 'dexie';
import { conversationSchema, type Conversation } from '../features/chat/conversation';

export const DB_NAME = 'lfm2-playground';

/** Small records that are each written whole: settings, tools, per-tab UI state. */
export type KvKey = 'settings' | 'tools' | 'ui';

/**
 * The app's IndexedDB, with numbered schema versions. Every change to what is stored adds a
 * version with an upgrade that moves old records over; nothing already saved is dropped.
 *
 * v1 was idb-keyval's single `state` store: `index` ({ ids, activeId, selectedRepo }),
 * `settings`, `tools` and one `conversation:<id>` record per conversation.
 * v2 gives conversations their own table (indexed by recency) and small records a `kv` table.
 */
export class PlaygroundDb extends Dexie {
  conversations!: EntityTable<Conversation, 'id'>;
  kv!: Table<unknown, KvKey>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({ state: '' });
    this.version(2)
      .stores({ state: null, conversations: 'id, updatedAt', kv: '' })
      .upgrade(async (tx) => {
        const old = tx.table('state');
        const keys = (await old.toCollection().primaryKeys()) as string[];
        for (const key of keys) {
          const value: unknown = await old.get(key);
          if (key.startsWith('conversation:')) {
            const parsed = conversationSchema.safeParse(value);
            if (parsed.success) await tx.table('conversations').put(parsed.data);
            else
              console.warn(
                `Stored conversation ${key} did not match the schema; skipped`,
                parsed.error,
              );
          } else if (key === 'settings' || key === 'tools') await tx.table('kv').put(value, key);
          else if (key === 'index') {
            const index = value as { activeId?: string; selectedRepo?: string } | undefined;
            await tx
              .table('kv')
              .put({ activeId: index?.activeId, selectedRepo: index?.selectedRepo }, 'ui');
          }
        }
      });
  }
}

/**
 * Reads every stored conversation that matches the schema. A record that does not (written by a
 * newer version, or damaged) is left in the database untouched and reported, never deleted.
 */
export async function readConversations(db: PlaygroundDb): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (const record of await db.conversations.toArray()) {
    const parsed = conversationSchema.safeParse(record);
    if (parsed.success) out.push(parsed.data);
    else
      console.warn('A stored conversation did not match the schema; left as it is', parsed.error);
  }
  return out;
}

export async function readConversation(
  db: PlaygroundDb,
  id: string,
): Promise<Conversation | null | 'invalid'> {
  const record = await db.conversations.get(id);
  if (!record) return null;
  const parsed = conversationSchema.safeParse(record);
  return parsed.success ? parsed.data : 'invalid';
}
