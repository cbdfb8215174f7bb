/**
 * Store safety at start-up: what the store will do with the bridge's data under memory pressure, a restart or a
 * power loss. Read once when the bridge starts, logged (a warning for each risk), and shown in GET /readyz.
 *
 * Redis: `maxmemory-policy` (anything but `noeviction` lets Redis drop keys, and an evicted outbox entry is a
 * result that never reaches Workable) and persistence (`appendonly`, `save`: with both off a Redis restart
 * loses every pending result). Read with CONFIG GET on a separate short-lived connection; managed services
 * often refuse CONFIG, and then INFO (which they usually allow) gives the policy and whether AOF is on; what
 * neither tells is "unknown". SQLite: the journal mode and `synchronous` read back from the open file.
 */
import { createClient } from '@keyv/redis';
import type { SqliteStore } from './sqlite.js';

export interface RedisSafety {
  store: 'redis';
  /** The server's maxmemory-policy, or 'unknown'. */
  evictionPolicy: string;
  /** 'yes' / 'no' (appendonly), or 'unknown'. */
  appendonly: 'yes' | 'no' | 'unknown';
  /** The RDB save points ('' means none), or 'unknown'. */
  save: string;
  /** Each risk found, in an operator's words; empty when none is known. */
  warnings: string[];
  /** Why some settings are unknown (e.g. CONFIG refused), when they are. */
  note?: string;
}

export interface SqliteSafety {
  store: 'sqlite';
  journalMode: string;
  synchronous: string;
  warnings: string[];
}

export type StoreSafety = RedisSafety | SqliteSafety;

/** Reads the settings that can lose data; never rejects (what cannot be read is 'unknown'). */
export async function readRedisSafety(url: string, timeoutMs = 2000): Promise<RedisSafety> {
  const found: { evictionPolicy: string; appendonly: RedisSafety['appendonly']; save: string; note?: string } = { evictionPolicy: 'unknown', appendonly: 'unknown', save: 'unknown' };
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => undefined);
  const command = (args: string[]): Promise<unknown> =>
    Promise.race([
      client.sendCommand<unknown>(args),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${args[0]} timed out`)), timeoutMs).unref()),
    ]);
  try {
    await client.connect();
    const refused: string[] = [];
    const configGet = async (name: string): Promise<string | undefined> => {
      try {
        const reply = await command(['CONFIG', 'GET', name]);
        const values = Array.isArray(reply) ? reply.map(String) : [];
        return values.length >= 2 ? values[1] : undefined;
      } catch (err) {
        refused.push(`CONFIG GET ${name}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const policy = await configGet('maxmemory-policy');
    const aof = await configGet('appendonly');
    const save = await configGet('save');
    if (policy !== undefined) found.evictionPolicy = policy;
    if (aof === 'yes' || aof === 'no') found.appendonly = aof;
    if (save !== undefined) found.save = save;
    if (policy === undefined || aof === undefined) {
      // INFO is allowed where CONFIG is not on most managed services.
      const info = await infoFields(command);
      if (policy === undefined && info.maxmemory_policy) found.evictionPolicy = info.maxmemory_policy;
      if (aof === undefined && (info.aof_enabled === '0' || info.aof_enabled === '1')) found.appendonly = info.aof_enabled === '1' ? 'yes' : 'no';
    }
    if (refused.length > 0) found.note = `${refused[0]}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''}`;
  } catch (err) {
    found.note = `could not ask Redis: ${(err as Error).message}`;
  } finally {
    if (client.isOpen) await client.close().catch(() => client.destroy());
  }
  const safety: RedisSafety = { store: 'redis', ...found, warnings: redisWarnings(found) };
  if (found.note === undefined) delete safety.note;
  return safety;
}

async function infoFields(command: (args: string[]) => Promise<unknown>): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const section of ['memory', 'persistence']) {
    try {
      const text = String(await command(['INFO', section]));
      for (const line of text.split(/\r?\n/)) {
        const at = line.indexOf(':');
        if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
      }
    } catch {
      // INFO refused too: those settings stay unknown.
    }
  }
  return fields;
}

function redisWarnings(s: { evictionPolicy: string; appendonly: string; save: string }): string[] {
  const warnings: string[] = [];
  if (s.evictionPolicy !== 'unknown' && s.evictionPolicy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is ${s.evictionPolicy}: under memory pressure Redis may evict the bridge's keys, and an evicted outbox entry is a result that never reaches Workable. Set maxmemory-policy noeviction.`,
    );
  }
  if (s.appendonly === 'no' && s.save.trim() === '') {
    warnings.push('Redis persistence is off (appendonly no, no save points): a Redis restart loses every pending result and interview. Turn on appendonly (or RDB snapshots).');
  }
  return warnings;
}

/** The SQLite file's durability as read back; `synchronous` other than normal/full is a warning. */
export async function readSqliteSafety(store: SqliteStore): Promise<SqliteSafety> {
  const { journalMode, synchronous } = await store.durability();
  const warnings: string[] = [];
  if (journalMode !== 'wal' && journalMode !== 'memory') warnings.push(`SQLite journal mode is ${journalMode}, not wal.`);
  if (synchronous !== 'normal' && synchronous !== 'full') warnings.push(`SQLite synchronous is ${synchronous}: a crash may lose committed writes.`);
  return { store: 'sqlite', journalMode, synchronous, warnings };
}
