/**
 * Everything the sandbox holds, wired together: the store's state changes feed the webhook sender, and
 * reset() returns all of it to the seed.
 */
import { buildHireflixSchema, type InterviewListShape } from './schema.js';
import { createFaultInjector, type FaultInjector } from '../common/faults.js';
import type { GraphqlStats } from './graphqlRoute.js';
import { DEFAULT_POSITIONS, type SandboxPositionSeed } from './model.js';
import { createRootValue, type ShareLinkRecord } from './resolvers.js';
import { createSandboxStore, type SandboxStore, type StoreSnapshot } from './store.js';
import { webhookData } from './views.js';
import { createWebhookSender, type WebhookSender } from './webhooks.js';
import { buildSchema, type GraphQLSchema } from 'graphql';

export interface SandboxStateOptions {
  apiKey: string;
  webhookSecret: string;
  webhookUrl?: string;
  positions?: SandboxPositionSeed[];
  latencyMs?: number;
  now?: () => number;
  /** A replacement SDL (tests: a schema that lacks a field the adapter uses); resolvers stay the same. */
  sdl?: string;
  /** interviewList's argument shape (schema.ts); default "input". */
  interviewListShape?: InterviewListShape;
  /** Whether the schema answers introspection (default true; Hireflix's admin API is introspectable). */
  introspection?: boolean;
}

export interface SandboxState {
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly latencyMs: number;
  readonly schema: GraphQLSchema;
  readonly introspection: boolean;
  readonly store: SandboxStore;
  readonly webhooks: WebhookSender;
  readonly faults: FaultInjector;
  readonly stats: GraphqlStats;
  readonly shares: Map<string, ShareLinkRecord>;
  now(): number;
  baseUrl(): string;
  setBaseUrl(url: string): void;
  rootValue: () => unknown;
  reset(): void;
  /** The records kept across a restart (interviews, positions, share links), and the way back. */
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** Builds the sandbox state. The base URL defaults to a placeholder until the server listens. */
export function createSandboxState(opts: SandboxStateOptions): SandboxState {
  const now = opts.now ?? Date.now;
  const seeds = opts.positions ?? DEFAULT_POSITIONS;
  let baseUrl = 'http://127.0.0.1';
  const webhooks = createWebhookSender({ url: opts.webhookUrl ?? null, secret: opts.webhookSecret, enabled: true }, now);
  // The store needs the position of a deleted interview for its webhook, so it is looked up before removal.
  const store: SandboxStore = createSandboxStore({
    positions: seeds,
    now,
    emit: (event, iv) => webhooks.send(event, iv.id, webhookData(iv, store.position(iv.positionId), baseUrl)),
  });
  const faults = createFaultInjector();
  const stats: GraphqlStats = { requests: 0, byOperation: {} };
  const shares = new Map<string, ShareLinkRecord>();
  const schema = opts.sdl !== undefined ? buildSchema(opts.sdl) : buildHireflixSchema(opts.interviewListShape);
  const rootValue = createRootValue({ store, shares, baseUrl: () => baseUrl, now, webhooks });

  return {
    apiKey: opts.apiKey,
    webhookSecret: opts.webhookSecret,
    latencyMs: opts.latencyMs ?? 0,
    schema,
    introspection: opts.introspection ?? true,
    store,
    webhooks,
    faults,
    stats,
    shares,
    now,
    baseUrl: () => baseUrl,
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    rootValue: () => rootValue,
    reset() {
      store.reset(seeds);
      faults.set(null);
      faults.release();
      stats.requests = 0;
      stats.byOperation = {};
      shares.clear();
      webhooks.clear();
    },
    // Webhook settings are not kept: the start-up options (and the bridge, in sandbox mode) set them again.
    snapshot: () => ({ store: store.snapshot(), shares: [...shares.entries()] }),
    restore(data) {
      const d = data as { store: StoreSnapshot; shares: Array<[string, ShareLinkRecord]> };
      store.loadSnapshot(d.store);
      shares.clear();
      for (const [k, v] of d.shares) shares.set(k, v);
    },
  };
}
