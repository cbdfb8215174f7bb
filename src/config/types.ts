import type { MappingProfile } from './mappingSchema.js';

/** SQLite's PRAGMA synchronous values the bridge offers (see store.sqlite_synchronous). */
export type SqliteSynchronous = 'normal' | 'full';

/** Where a secret comes from: an environment variable or a file (e.g. a mounted Docker/Kubernetes secret). */
export type SecretRef = { env: string } | { file: string };

export interface HireflixUpstreamConfig {
  kind: 'hireflix';
  /** GraphQL endpoint; the real one is https://api.hireflix.com/me. */
  endpoint: string;
  apiKey: string;
  webhookSecret?: string;
  timeoutMs: number;
}

/** Vervoe: REST under `baseUrl`, a short-lived Bearer token obtained with the API key and secret key. */
export interface VervoeUpstreamConfig {
  kind: 'vervoe';
  /** API root; the real one is https://api.vervoe.com/api. */
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  webhookSecret?: string;
  /** How far a webhook's `t=` may be from now before it is refused as a replay. */
  webhookToleranceSeconds: number;
  timeoutMs: number;
}

export type UpstreamConfig = HireflixUpstreamConfig | VervoeUpstreamConfig;

export interface AccountConfig {
  id: string;
  name: string;
  /** sha256 hex of the Bearer token Workable presents. The token itself is never kept. */
  tokenSha256: string[];
  /** The token the bridge presents to Workable on callbacks. */
  workableToken: string;
  upstream: UpstreamConfig;
  /** Name of the mapping profile under config/mappings (without .yaml). */
  mapping: string;
  /** ISO 3166 alpha-2 country used to read phone numbers that carry no country code. */
  defaultCountry: string;
  /** Receives upstream webhooks (false: the poller alone notices changes). */
  webhooks: boolean;
}

export interface CallbackPolicy {
  /** Host patterns callbacks may go to; `*.example.com` matches sub-domains only. */
  allowedHosts: string[];
  /** Sandbox/demo only: allow http and loopback/private addresses. */
  allowLocal: boolean;
  /** Ports a callback on an allowed host may use (default [443]); local demo addresses may use any port. */
  allowedPorts?: readonly number[];
}

export interface BridgeConfig {
  mode: 'configured' | 'sandbox';
  server: {
    host: string;
    port: number;
    publicBaseUrl: string;
    /** Where publicBaseUrl came from: the environment, bridge.yaml, or the local default (fit for local use only). */
    publicBaseUrlFrom: 'PUBLIC_BASE_URL' | 'bridge.yaml' | 'default';
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    shutdownTimeoutMs: number;
    bodyLimitBytes: number;
    /** Reverse proxies in front of the bridge whose X-Forwarded-For entries name the client (0: none). */
    trustProxyHops: number;
    /** Open TCP connections at once (0: unlimited); beyond it new connections are closed at once. */
    maxConnections: number;
    /** Requests in progress at once from one client address (0: unlimited); beyond it 429. */
    maxRequestsPerClient: number;
  };
  /**
   * sqlite.synchronous: SQLite's durability setting (WAL journal either way). 'normal': a committed write
   * survives a crash of the process, but the last commits may be lost if the machine loses power. 'full':
   * every commit is synced to disk before it returns, survived power loss too, at some write cost.
   */
  store: { kind: 'sqlite'; path: string; synchronous: SqliteSynchronous } | { kind: 'redis'; url: string; prefix: string };
  templatesCacheMs: number;
  callbackPolicy: CallbackPolicy;
  delivery: {
    /** Time allowed for Workable to answer one PUT. */
    timeoutMs: number;
    /** Stop retrying (dead-letter) once an entry has been in the outbox this long. */
    horizonMs: number;
    /** Backoff: first retry within baseDelayMs, growing to at most maxDelayMs. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** PUTs in flight at once, overall and towards one callback host. */
    concurrency: number;
    perHostConcurrency: number;
    /** Due entries taken per run. */
    batchSize: number;
    intervalMs: number;
  };
  poller: { cron: string; overlapMs: number; initialLookbackMs: number };
  expiry: { cron: string };
  /** Interviews reconciled at once (each is one or two upstream reads), and taken per run. */
  reconcile: { concurrency: number; batchSize: number };
  /** Unauthenticated webhook input: body cap and read deadline, and the bad-signature limit per account. */
  webhooks: { maxBodyBytes: number; bodyTimeoutMs: number; badSignatureLimit: number; badSignatureWindowMs: number };
  /**
   * Candidate data retention: a finished interview (its record, result, report and delivery records) is
   * deleted `days` after its last activity, by the job scheduled at `cron`. See docs/operations.md.
   */
  retention: { days: number; cron: string };
  /** Longest a PDF report link works (days), also capped by the mapping profile and by retention.days. */
  reports: { retentionDays: number };
  ops: { token?: string; allowUnauthenticatedLocal: boolean };
  logging: { level: string; pretty: boolean };
  accounts: AccountConfig[];
  mappings: Record<string, MappingProfile>;
  /** Set only in sandbox mode: the embedded Hireflix simulator, its records kept in `stateFile`. */
  sandbox?: {
    port: number;
    apiKey: string;
    webhookSecret: string;
    workableToken: string;
    inboundToken: string;
    stateFile: string;
    /** Why the bridge is in sandbox mode, for the start-up warning. */
    why: string;
  };
}
