/**
 * What every benchmark part builds the same way: a validated bridge config for one account against a
 * sandbox, the bridge's own logger at the production level (info, or LOG_LEVEL) writing asynchronously to
 * /dev/null as it would to stdout, unique Redis prefixes that are deleted afterwards, and a Store wrapper that
 * counts operations.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createClient } from '@keyv/redis';
import pino from 'pino';
import type { Logger } from 'pino';
import { sha256Hex } from '../../src/config/load.js';
import type { BridgeConfig } from '../../src/config/types.js';
import type { Store } from '../../src/store/types.js';
import { configSecrets, createLogger } from '../../src/logger.js';
import { shippedMapping, testConfig } from '../../test/support/bridgeConfig.js';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A sibling module of the bench file at `from`, to fork, loaded as this run loads its modules: compiled
 * (\`npm run bench\` runs dist-bench/, plain node) or, when a part is started from source, through tsx.
 */
export function benchChild(name: string, from: string): { path: string; execArgv: string[] } {
  const compiled = from.endsWith('.js');
  return { path: fileURLToPath(new URL(`./${name}.${compiled ? 'js' : 'ts'}`, from)), execArgv: compiled ? [] : ['--import', 'tsx'] };
}
export type StoreKind = 'sqlite' | 'redis';

/** Where the bridges' log lines go: written asynchronously, as to stdout, but not onto the terminal. */
export function devNull(): pino.DestinationStream {
  return pino.destination({ dest: '/dev/null', sync: false });
}

/**
 * The logger startBridge would build for `config` (createLogger: its level, redaction, the scrubber with the
 * configuration's secrets, request ids), writing to devNull(): for parts that build a container themselves.
 */
export function productionLogger(config: BridgeConfig): Logger {
  return createLogger({ ...config.logging, destination: devNull(), secrets: configSecrets(config) });
}

/** A Redis key prefix no other run (or test) uses. */
export function uniquePrefix(label: string): string {
  return `bench-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK, never FLUSHALL). */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  let n = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) n += await client.unlink(keys);
    }
  } finally {
    client.destroy();
  }
  return n;
}

export interface BenchAccount {
  /** The Bearer token Workable would present. */
  token: string;
  workableToken: string;
}

export interface ConfigInput {
  port: number;
  store: { kind: 'sqlite'; path: string } | { kind: 'redis'; prefix: string };
  sandboxEndpoint: string;
  sandboxApiKey: string;
  /** Extra bridge.yaml text. */
  bridgeYaml?: string;
  /** The bridge's log level (default info, the production default). */
  logLevel?: string;
  /** Reuse these credentials (e.g. two bridges one client talks to); fresh ones otherwise. */
  account?: BenchAccount;
}

/** A validated config: one account `bench` on the given sandbox, callbacks to loopback allowed (testConfig). */
export function benchConfig(input: ConfigInput): { config: BridgeConfig; account: BenchAccount } {
  const account: BenchAccount = input.account ?? { token: `tok-${randomBytes(18).toString('base64url')}`, workableToken: `wk-${randomUUID()}` };
  const config = testConfig({
    port: input.port,
    logLevel: input.logLevel ?? process.env.LOG_LEVEL ?? 'info',
    ...(input.bridgeYaml ? { bridgeYaml: input.bridgeYaml } : {}),
    accountsYaml: `  - id: bench
    name: benchmark account
    token_sha256: [${sha256Hex(account.token)}]
    workable_token: { env: BENCH_WORKABLE_TOKEN }
    upstream:
      kind: hireflix
      endpoint: ${input.sandboxEndpoint}
      api_key: { env: BENCH_API_KEY }
      timeout_ms: 10000
    mapping: hireflix
    default_country: US
    webhooks: false
`,
    mappings: { hireflix: shippedMapping('hireflix') },
    env: {
      BENCH_WORKABLE_TOKEN: account.workableToken,
      BENCH_API_KEY: input.sandboxApiKey,
      ...(input.store.kind === 'redis' ? { REDIS_URL, REDIS_PREFIX: input.store.prefix } : { SQLITE_PATH: input.store.path }),
    },
  });
  return { config, account };
}

/** Store operations by method name. */
export type OpCounts = Record<string, number>;

/** Wraps a store so that every method call is counted (getMany counts once, plus `getMany.keys`). */
export function countingStore<S extends Store>(inner: S): { store: S; counts: OpCounts; reset(): void; total(): number } {
  let counts: OpCounts = {};
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        counts[prop] = (counts[prop] ?? 0) + 1;
        if (prop === 'getMany' && Array.isArray(args[0])) counts['getMany.keys'] = (counts['getMany.keys'] ?? 0) + args[0].length;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    get counts() {
      return counts;
    },
    reset() {
      counts = {};
    },
    total: () => Object.entries(counts).filter(([k]) => !k.includes('.')).reduce((n, [, v]) => n + v, 0),
  };
}

/**
 * Commands the Redis server has run so far (INFO commandstats, every command's `calls=` summed), read on a
 * connection of its own. A delta over an operation counts every client's commands: benchmarks run alone.
 * The reading itself counts once in the next reading.
 */
export async function redisCommandsSoFar(): Promise<number> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const info = await client.info('commandstats');
    return [...info.matchAll(/calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  } finally {
    client.destroy();
  }
}
