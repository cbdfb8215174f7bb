/** Raw text access to a bridge's record storage, below the Store API: to seed what no Store call writes. */
import { createClient } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import type { Harness } from './harness.js';
import { REDIS_URL } from './redis.js';

/** Raw text access to the bridge's record storage, below the Store API. */
export interface Raw {
  get(key: string): Promise<string | undefined>;
  set(key: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function rawAccess(h: Pick<Harness, 'config'>): Promise<Raw> {
  const cfg = h.config.store;
  if (cfg.kind === 'redis') {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => undefined);
    await client.connect();
    return {
      get: async (key) => (await client.get(`${cfg.prefix}::${key}`)) ?? undefined,
      set: async (key, text) => {
        await client.set(`${cfg.prefix}::${key}`, text);
      },
      close: async () => client.destroy(),
    };
  }
  const db = new KeyvSqlite({ uri: `sqlite://${cfg.path}`, busyTimeout: 5000 });
  return {
    get: async (key) => (await db.get<string>(key)) ?? undefined,
    set: async (key, text) => {
      await db.set(key, text);
    },
    close: () => db.disconnect(),
  };
}

