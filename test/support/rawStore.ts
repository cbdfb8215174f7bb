/** Raw text access to a bridge's record storage, below the Store API: to seed what no Store call writes. */
import { createClient } from '@keyv/redis';
import { KeyvSqlite } from '@keyv/sqlite';
import { call, startHarness, type Harness, type StoreKind } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';
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


const FAST = 'delivery: { base_delay_ms: 20, max_delay_ms: 100, interval_ms: 50 }\npoller: { cron: "0 0 1 1 *" }';

/** A bridge (scheduler on, fast delivery, no cron poll) with a receiver for Workable and raw access to its store. */
export interface RawBridge {
  h: Harness;
  receiver: Receiver;
  raw: Raw;
  templateId: string;
}

/** Starts a RawBridge before the describe block's tests and stops it after them; the fields are set in before(). */
export function useRawBridge(kind: StoreKind): RawBridge {
  const ctx = {} as RawBridge;
  before(async () => {
    ctx.receiver = await startReceiver();
    ctx.h = await startHarness(kind, { scheduler: true, bridgeYaml: FAST });
    ctx.raw = await rawAccess(ctx.h);
    const t = await call(`${ctx.h.url}/interview-templates`, { token: ctx.h.acme.token });
    ctx.templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
  });
  after(async () => {
    await ctx.raw?.close();
    await ctx.h?.close();
    await ctx.receiver?.close();
  });
  return ctx;
}
