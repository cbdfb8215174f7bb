import Joi from 'joi';
import cron from 'node-cron';
import type { SecretRef } from './types.js';

const secretRef = Joi.object({
  env: Joi.string().pattern(/^[A-Za-z_][A-Za-z0-9_]*$/),
  file: Joi.string(),
})
  .xor('env', 'file')
  .messages({
    'object.xor': '{{#label}} must name exactly one of env or file',
    // The value is not echoed: a plain string here is most likely the secret itself.
    'object.base': '{{#label}} must be \\{env: VARIABLE\\} or \\{file: /path\\}, naming where the secret is; secrets are never written in YAML',
  });

const ms = Joi.number().integer().min(0);

/** A node-cron expression (5 fields, or 6 with seconds), checked with node-cron's own parser. */
const cronExpr = Joi.string()
  .custom((v: string, helpers) => (cron.validate(v) ? v : helpers.error('cron.invalid')))
  .messages({ 'cron.invalid': '{{#label}} is not a valid cron expression' });

/** bridge.yaml as validated: every key present (defaults filled in), in the file's own names. */
export interface BridgeFile {
  server: {
    host: string;
    port: number;
    public_base_url?: string;
    request_timeout_ms: number;
    headers_timeout_ms: number;
    keep_alive_timeout_ms: number;
    shutdown_timeout_ms: number;
    body_limit_bytes: number;
    trust_proxy_hops: number;
    max_connections: number;
    max_requests_per_client: number;
  };
  store: { kind: 'sqlite' | 'redis'; sqlite_path: string; sqlite_synchronous: 'normal' | 'full'; redis_url: SecretRef; prefix: string };
  templates_cache_ms: number;
  callback_policy: { allowed_hosts: string[]; allow_local: boolean; allowed_ports: number[] };
  delivery: {
    timeout_ms: number;
    horizon_ms: number;
    base_delay_ms: number;
    max_delay_ms: number;
    concurrency: number;
    per_host_concurrency: number;
    batch_size: number;
    interval_ms: number;
  };
  poller: { cron: string; overlap_ms: number; initial_lookback_ms: number };
  expiry: { cron: string };
  reconcile: { concurrency: number; batch_size: number };
  webhooks: { max_body_bytes: number; body_timeout_ms: number; bad_signature_limit: number; bad_signature_window_ms: number };
  retention: { days: number; cron: string };
  reports: { retention_days: number };
  ops: { token: SecretRef };
  logging: { level: LogLevel; pretty: boolean | 'auto' };
  sandbox: { port: number };
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** config/bridge.yaml; every key optional, defaults equal to the shipped file. */
export const bridgeFileSchema = Joi.object<BridgeFile>({
  server: Joi.object({
    host: Joi.string().default('0.0.0.0'),
    port: Joi.number().integer().min(0).max(65535).default(3000),
    public_base_url: Joi.string().uri({ scheme: ['http', 'https'] }),
    request_timeout_ms: ms.default(30000),
    headers_timeout_ms: ms.default(10000),
    keep_alive_timeout_ms: ms.default(65000),
    shutdown_timeout_ms: ms.default(15000),
    body_limit_bytes: Joi.number().integer().min(1024).max(10 * 1024 * 1024).default(102400),
    trust_proxy_hops: Joi.number().integer().min(0).max(5).default(0),
    max_connections: Joi.number().integer().min(0).max(1000000).default(1024),
    max_requests_per_client: Joi.number().integer().min(0).max(100000).default(64),
  }).default(),
  store: Joi.object({
    kind: Joi.string().valid('sqlite', 'redis').default('sqlite'),
    sqlite_path: Joi.string().default('data/bridge.sqlite'),
    sqlite_synchronous: Joi.string().lowercase().valid('normal', 'full').default('normal'),
    redis_url: secretRef.default({ env: 'REDIS_URL' }),
    prefix: Joi.string().pattern(/^[A-Za-z0-9:_-]{1,40}$/).default('wvb'),
  }).default(),
  templates_cache_ms: ms.default(60000),
  callback_policy: Joi.object({
    allowed_hosts: Joi.array()
      .items(Joi.string().pattern(/^(\*\.)?[a-z0-9.-]+$/i))
      .default(['*.workable.com']),
    allow_local: Joi.boolean().default(false),
    allowed_ports: Joi.array().items(Joi.number().integer().min(1).max(65535)).min(1).unique().default([443]),
  }).default(),
  delivery: Joi.object({
    timeout_ms: ms.min(100).default(10000),
    horizon_ms: ms.default(3 * 24 * 3600 * 1000),
    base_delay_ms: ms.min(1).default(2000),
    max_delay_ms: ms.min(1).default(3600 * 1000),
    concurrency: Joi.number().integer().min(1).max(256).default(16),
    per_host_concurrency: Joi.number().integer().min(1).max(256).default(8),
    batch_size: Joi.number().integer().min(1).max(10000).default(200),
    interval_ms: ms.min(10).default(1000),
  }).default(),
  poller: Joi.object({
    cron: cronExpr.default('*/30 * * * * *'),
    overlap_ms: ms.default(120000),
    initial_lookback_ms: ms.default(86400000),
  }).default(),
  expiry: Joi.object({ cron: cronExpr.default('0 * * * * *') }).default(),
  reconcile: Joi.object({
    concurrency: Joi.number().integer().min(1).max(128).default(16),
    batch_size: Joi.number().integer().min(1).max(10000).default(200),
  }).default(),
  webhooks: Joi.object({
    max_body_bytes: Joi.number().integer().min(1024).max(1024 * 1024).default(65536),
    body_timeout_ms: ms.min(100).default(10000),
    bad_signature_limit: Joi.number().integer().min(1).max(100000).default(20),
    bad_signature_window_ms: ms.min(1000).default(60000),
  }).default(),
  retention: Joi.object({
    days: Joi.number().integer().min(1).max(3650).default(180),
    cron: cronExpr.default('0 30 3 * * *'),
  }).default(),
  reports: Joi.object({ retention_days: Joi.number().integer().min(1).max(3650).default(365) }).default(),
  ops: Joi.object({ token: secretRef.default({ env: 'OPS_TOKEN' }) }).default(),
  logging: Joi.object({
    level: Joi.string().valid(...LOG_LEVELS).default('info'),
    pretty: Joi.alternatives(Joi.boolean(), Joi.string().valid('auto')).default('auto'),
  }).default(),
  // The built-in Hireflix simulator of sandbox mode (no accounts file); unused otherwise.
  sandbox: Joi.object({ port: Joi.number().integer().min(0).max(65535).default(4010) }).default(),
}).default();

const hireflixUpstream = Joi.object({
  // Both kinds are listed so that an unknown kind is told every valid choice.
  kind: Joi.string().valid('hireflix', 'vervoe').required(),
  endpoint: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://api.hireflix.com/me'),
  api_key: secretRef.required(),
  webhook_secret: secretRef,
  timeout_ms: ms.min(100).default(10000),
});

/** Vervoe authenticates with an API key plus a secret key (exchanged for a 10-minute token). */
const vervoeUpstream = Joi.object({
  kind: Joi.string().valid('vervoe').required(),
  base_url: Joi.string().uri({ scheme: ['http', 'https'] }).default('https://api.vervoe.com/api'),
  api_key: secretRef.required(),
  secret_key: secretRef.required(),
  webhook_secret: secretRef,
  webhook_tolerance_seconds: Joi.number().integer().min(1).max(3600).default(300),
  timeout_ms: ms.min(100).default(10000),
});

/** accounts.yaml as validated, defaults filled in. */
export interface AccountsFile {
  accounts: Array<{
    id: string;
    name: string;
    token_sha256: string[];
    workable_token: SecretRef;
    upstream:
      | { kind: 'hireflix'; endpoint: string; api_key: SecretRef; webhook_secret?: SecretRef; timeout_ms: number }
      | {
          kind: 'vervoe';
          base_url: string;
          api_key: SecretRef;
          secret_key: SecretRef;
          webhook_secret?: SecretRef;
          webhook_tolerance_seconds: number;
          timeout_ms: number;
        };
    webhooks: boolean;
    mapping: string;
    default_country: string;
  }>;
}

/** config/accounts.yaml */
export const accountsFileSchema = Joi.object<AccountsFile>({
  accounts: Joi.array()
    .items(
      Joi.object({
        id: Joi.string().pattern(/^[a-z0-9][a-z0-9_-]{0,39}$/).required(),
        name: Joi.string().max(200).required(),
        token_sha256: Joi.array()
          .items(Joi.string().lowercase().pattern(/^[0-9a-f]{64}$/).messages({
            'string.pattern.base': '{{#label}} must be 64 hex characters (sha256 of the token)',
          }))
          .min(1)
          .single()
          .required(),
        workable_token: secretRef.required(),
        upstream: Joi.alternatives()
          .conditional('.kind', { is: 'vervoe', then: vervoeUpstream, otherwise: hireflixUpstream })
          .required(),
        webhooks: Joi.boolean().default(true),
        // Each upstream has a profile of the same name; an account names another one explicitly.
        mapping: Joi.string().pattern(/^[a-z0-9_-]+$/).default((parent: { upstream?: { kind?: unknown } }) =>
          parent.upstream?.kind === 'vervoe' ? 'vervoe' : 'hireflix'),
        default_country: Joi.string().uppercase().length(2).default('US'),
      }),
    )
    .unique('id')
    .min(1)
    .required(),
});
