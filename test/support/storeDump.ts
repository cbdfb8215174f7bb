/**
 * Everything a bridge's store holds, read behind the bridge's back: every SQLite row (records, claims,
 * sorted-index members) or every Redis key under the test prefix (SCAN) with its value or members. Tests
 * search it for an interview's id, report id and candidate email, so a key the purge forgot cannot hide.
 */
import { createClient } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import type { BridgeConfig } from '../../src/config/types.js';

export async function dumpStore(config: BridgeConfig): Promise<string[]> {
  const store = config.store;
  if (store.kind === 'sqlite') {
    const db = new KeyvSqlite({ uri: `sqlite://${store.path}` });
    try {
      const rows = [
        ...((await db.query('SELECT key, value FROM keyv')) as Array<{ key: string; value: string }>).map((r) => `record ${r.key} = ${r.value}`),
        ...((await db.query('SELECT key, value FROM claims')) as Array<{ key: string; value: string }>).map((r) => `claim ${r.key} = ${r.value}`),
        ...((await db.query('SELECT idx, member FROM zset')) as Array<{ idx: string; member: string }>).map((r) => `zset ${r.idx} member ${r.member}`),
      ];
      return rows;
    } finally {
      await db.close();
    }
  }
  const client = createClient({ url: store.url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const out: string[] = [];
    for await (const page of client.scanIterator({ MATCH: `${store.prefix}*`, COUNT: 500 })) {
      for (const key of page) {
        const type = await client.type(key);
        if (type === 'string') out.push(`string ${key} = ${(await client.get(key)) ?? ''}`);
        else if (type === 'zset') for (const m of await client.zRange(key, 0, -1)) out.push(`zset ${key} member ${m}`);
        else out.push(`${type} ${key}`);
      }
    }
    return out;
  } finally {
    client.destroy();
  }
}

/** The lines of a dump that mention any of `needles`. */
export const mentioning = (dump: string[], needles: string[]): string[] => dump.filter((line) => needles.some((n) => line.includes(n)));
