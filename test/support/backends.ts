/**
 * The two store backends every delivery test runs against: a SQLite file in a temp directory, and the
 * local Redis under a unique prefix whose keys are all deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

import { REDIS_URL } from './redis.js';

export interface Backend {
  name: 'sqlite' | 'redis';
  /** Opens a fresh, empty store; open(true) opens another handle on the last one (a second replica). */
  open(again?: boolean): Promise<Store>;
  /** Closes every handle and removes all data written. */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const opened: Store[] = [];
  const dirs: string[] = [];
  let path = '';
  return {
    name: 'sqlite',
    async open(again = false) {
      if (!again) {
        const dir = await mkdtemp(join(tmpdir(), 'delivery-'));
        dirs.push(dir);
        path = join(dir, 'bridge.sqlite');
      }
      const store = await createStore({ kind: 'sqlite', path });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const s of opened.splice(0)) await s.close();
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

export function redisBackend(): Backend {
  const opened: Store[] = [];
  const prefixes: string[] = [];
  let prefix = '';
  return {
    name: 'redis',
    async open(again = false) {
      if (!again) {
        prefix = `test-delivery-${randomUUID()}`;
        prefixes.push(prefix);
      }
      const store = await createStore({ kind: 'redis', url: REDIS_URL, prefix });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const s of opened.splice(0)) await s.close();
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      for (const p of prefixes.splice(0)) {
        for await (const keys of client.scanIterator({ MATCH: `${p}*`, COUNT: 500 })) {
          if (keys.length > 0) await client.del(keys);
        }
      }
      await client.close();
    },
  };
}

export const backends: Array<() => Backend> = [sqliteBackend, redisBackend];
