/**
 * The go-live checks behind `cli doctor`: what an operator must know before pointing Workable at the
 * bridge. Each check returns a result that names the problem and what to do; none throws. What each check
 * means and how to fix each failure: docs/operations.md, "Go-live doctor".
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { buildClientSchema, Kind, OperationTypeNode, parse, type IntrospectionQuery, type OperationDefinitionNode, type TypeNode } from 'graphql';
import type { AccountConfig, BridgeConfig } from '../../config/types.js';
import { readMaxmemoryPolicy } from '../../store/evictionPolicy.js';
import { readRedisSafety, type RedisSafety } from '../../store/safety.js';
import { createStore } from '../../store/index.js';
import { documentMismatches, groupProblems } from '../../upstreams/graphqlDocuments.js';
import { UpstreamError, type GraphqlDocument, type Upstream } from '../../upstreams/types.js';
import { maskToken } from '../mask.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One line of the doctor's report; the JSON output is an array of these (stable field names). */
export interface CheckResult {
  /** Stable id: store, store_eviction, store_persistence, public_base_url, credentials, schema, webhook, webhook_secret, callback_token. */
  check: string;
  /** The account checked, or null for the bridge-wide checks. */
  account: string | null;
  status: CheckStatus;
  message: string;
  /** What to do, on fail and warn. */
  fix?: string;
  /** Every mismatch, for the schema check. */
  problems?: string[];
}

const result = (check: string, account: string | null, status: CheckStatus, message: string, fix?: string, problems?: string[]): CheckResult => ({
  check,
  account,
  status,
  message,
  ...(fix !== undefined ? { fix } : {}),
  ...(problems !== undefined ? { problems } : {}),
});

/** The URL the upstream must send this account's webhooks to. */
const webhookUrlFor = (config: BridgeConfig, account: AccountConfig): string =>
  `${config.server.publicBaseUrl}/webhooks/${account.upstream.kind}/${encodeURIComponent(account.id)}`;

const LOCAL_HOST = /^(localhost|.*\.localhost|127(\.\d+){3}|0\.0\.0\.0|\[?::1?\]?|\[::\])$/i;

/** `public_base_url` must be https and not a local host in configured mode: Workable and the upstream call it. */
export function checkPublicBaseUrl(config: BridgeConfig): CheckResult {
  const base = config.server.publicBaseUrl;
  if (config.mode === 'sandbox') return result('public_base_url', null, 'skip', `sandbox mode: ${base} (local http is expected)`);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return result('public_base_url', null, 'fail', `public_base_url "${base}" is not a URL`, 'set server.public_base_url in config/bridge.yaml (or PUBLIC_BASE_URL) to the https address Workable reaches');
  }
  const fix = 'set server.public_base_url in config/bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge, e.g. https://bridge.example.com';
  if (config.server.publicBaseUrlFrom === 'default') {
    return result('public_base_url', null, 'fail', `public_base_url is not set: report links and webhook URLs use ${base}, which Workable and the upstream cannot reach`, fix);
  }
  if (url.protocol !== 'https:') return result('public_base_url', null, 'fail', `public_base_url ${base} is not https`, fix);
  if (LOCAL_HOST.test(url.hostname)) return result('public_base_url', null, 'fail', `public_base_url ${base} names a local host that Workable and the upstream cannot reach`, fix);
  return result('public_base_url', null, 'pass', `public_base_url ${base}`);
}

/** The store answers; on Redis, it does not evict keys. */
export async function checkStore(config: BridgeConfig): Promise<CheckResult[]> {
  const s = config.store;
  const name = s.kind === 'sqlite' ? `sqlite ${s.path}` : `redis (prefix ${s.prefix})`;
  if (s.kind === 'sqlite' && s.path !== ':memory:' && !existsSync(s.path)) {
    return [result('store', null, 'fail', `no SQLite store at ${s.path}`, 'start the bridge once here (it creates the store), or point SQLITE_PATH / store.sqlite_path at the bridge\'s file')];
  }
  try {
    const store = s.kind === 'sqlite' ? await createStore(s) : await createStore({ ...s, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
    try {
      await store.ping();
    } finally {
      await store.close().catch(() => undefined);
    }
  } catch (err) {
    return [result('store', null, 'fail', `the ${name} store does not answer: ${(err as Error).message}`, 'check REDIS_URL / SQLITE_PATH and that the store is running')];
  }
  const out = [result('store', null, 'pass', `the ${name} store answers`)];
  if (s.kind === 'redis') {
    const read = await readMaxmemoryPolicy(s.url);
    if ('error' in read) {
      out.push(result('store_eviction', null, 'warn', `cannot read maxmemory-policy (${read.error})`, 'confirm with your Redis provider that maxmemory-policy is noeviction'));
    } else if (read.policy !== 'noeviction') {
      out.push(result('store_eviction', null, 'fail', `Redis maxmemory-policy is ${read.policy}: under memory pressure Redis deletes keys, and the outbox or an interview record with them`, 'set maxmemory-policy noeviction (redis.conf, CONFIG SET, or your provider\'s parameter group)'));
    } else {
      out.push(result('store_eviction', null, 'pass', 'Redis maxmemory-policy is noeviction'));
    }
    out.push(persistenceResult(await readRedisSafety(s.url)));
  }
  return out;
}

/**
 * Whether a Redis restart keeps the bridge's data: a warning, not a failure, since a managed Redis may
 * replicate instead (the same risk the bridge logs at start-up, src/store/safety.ts).
 */
function persistenceResult(safety: RedisSafety): CheckResult {
  const fix = 'turn on appendonly yes (or RDB save points) in redis.conf or your provider\'s settings, or confirm the service replicates';
  if (safety.appendonly === 'yes' || (safety.save !== 'unknown' && safety.save.trim() !== '')) {
    const how = [safety.appendonly === 'yes' ? 'appendonly yes' : '', safety.save !== 'unknown' && safety.save.trim() !== '' ? `save "${safety.save}"` : ''].filter(Boolean).join(', ');
    return result('store_persistence', null, 'pass', `Redis persists its data (${how})`);
  }
  if (safety.appendonly === 'no' && safety.save.trim() === '') {
    return result('store_persistence', null, 'warn', 'Redis persistence is off (appendonly no, no save points): a Redis restart loses every pending result and interview', fix);
  }
  return result('store_persistence', null, 'warn', `cannot read Redis persistence settings${safety.note ? ` (${safety.note})` : ''}`, fix);
}

/** The token the bridge presents to Workable on callbacks is set. */
export function checkCallbackToken(account: AccountConfig): CheckResult {
  const t = account.workableToken;
  if (!t || t === 'unset') return result('callback_token', account.id, 'fail', 'no callback token: Workable will refuse every result', 'set workable_token in config/accounts.yaml to the env var or file holding the token Workable issued for callbacks');
  return result('callback_token', account.id, 'pass', `callback token set (${maskToken(t)})`);
}

function upstreamProblem(err: unknown, account: AccountConfig, sandbox: boolean): { message: string; fix: string } {
  const kind = account.upstream.kind;
  if (err instanceof UpstreamError && err.failure === 'auth') {
    return { message: `${kind} refused the API key: ${err.message}`, fix: `put the account's current ${kind} API key in the env var or file that accounts.yaml names under upstream.api_key${kind === 'vervoe' ? ' (and upstream.secret_key)' : ''}, then apply it: a secret file is re-read on SIGHUP, an environment variable needs a restart (docs/operations.md, "Accounts reloaded without a restart")` };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (sandbox) return { message, fix: 'sandbox mode: the simulator runs inside the bridge, so start the bridge first (npm start); if it runs on other ports, give this command the same PORT and SANDBOX_PORT' };
  return { message, fix: `check the upstream ${kind === 'hireflix' ? 'endpoint' : 'base_url'} in accounts.yaml and that the bridge can reach it` };
}

/** One cheap read (the template list) with the account's credentials. */
export async function checkCredentials(config: BridgeConfig, account: AccountConfig, upstream: Upstream): Promise<CheckResult> {
  try {
    const templates = await upstream.listTemplates();
    return result('credentials', account.id, 'pass', `${account.upstream.kind} accepted the credentials (${templates.length} open template(s))`);
  } catch (err) {
    const p = upstreamProblem(err, account, config.mode === 'sandbox');
    return result('credentials', account.id, 'fail', p.message, p.fix);
  }
}

const SCALARS: Record<string, unknown> = { Int: 1, Float: 1, Boolean: false, String: 'doctor-probe', ID: 'doctor-probe' };

/**
 * A harmless value for a variable of this type, or undefined to leave a nullable one out: a probe must
 * read nothing real and change nothing. Input objects and enums are only known from the schema, so a
 * required one gets nothing and the probe reports the upstream's answer about it.
 */
function harmless(type: TypeNode, required = false): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return harmless(type.type, true);
  if (!required) return undefined;
  if (type.kind === Kind.LIST_TYPE) return [];
  return SCALARS[type.name.value];
}

/** Our own harmless values being refused says nothing about the document. */
const OWN_VALUE = /^Variable "\$\w+" (got invalid value|of required type)/;

/** Messages that say the document does not fit the schema (as opposed to "no such interview"). */
const VALIDATION = /cannot query field|unknown (argument|type|fragment)|unknown field|is not defined|of required type|must have a selection|expected type|variable "\$|cannot be non-input|field ".*" argument|not a valid|syntax error/i;

/**
 * GraphQL upstreams: every adapter document validated against the live schema (introspection +
 * buildClientSchema + validate). When introspection is refused, each read query runs once with harmless
 * arguments and its validation errors are reported (mutations are not run: they would change data).
 */
export async function checkSchema(account: AccountConfig, upstream: Upstream): Promise<CheckResult | undefined> {
  const docs: readonly GraphqlDocument[] | undefined = upstream.graphqlDocuments;
  if (!docs || !upstream.introspect) return undefined;
  let introspection: unknown;
  try {
    introspection = await upstream.introspect();
  } catch (err) {
    return result('schema', account.id, 'fail', `introspection failed: ${(err as Error).message}`, 'fix the credentials check first; then run doctor again');
  }
  const problems: string[] = [];
  if (introspection) {
    const schema = buildClientSchema(introspection as IntrospectionQuery);
    problems.push(...documentMismatches(schema, docs));
    if (problems.length === 0) return result('schema', account.id, 'pass', `all ${docs.length} adapter documents validate against the live schema${docs.some((d) => d.group) ? ' (for requests with alternative shapes, one shape each)' : ''}`);
    return result('schema', account.id, 'fail', `${problems.length} mismatch(es) between the adapter's documents and the live ${account.upstream.kind} schema`, 'the upstream changed its API or the adapter is wrong: send this list to the bridge\'s maintainers (docs/hireflix.md has where each field comes from); do not go live while a document the bridge sends fails', problems);
  }
  if (!upstream.probe) return result('schema', account.id, 'warn', 'introspection refused and no probe available', 'ask the vendor for a schema dump');
  let ran = 0;
  const found = new Map<GraphqlDocument, string[]>();
  const queries: GraphqlDocument[] = [];
  for (const doc of docs) {
    const op = parse(doc.query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!op || op.operation !== OperationTypeNode.QUERY) continue;
    queries.push(doc);
    const variables = Object.fromEntries(
      (op.variableDefinitions ?? []).map((v) => [v.variable.name.value, harmless(v.type)] as const).filter(([, value]) => value !== undefined),
    );
    try {
      const errors = await upstream.probe(doc.query, variables);
      ran += 1;
      found.set(doc, errors.filter((m) => VALIDATION.test(m) && !OWN_VALUE.test(m)));
    } catch (err) {
      found.set(doc, [(err as Error).message]);
    }
  }
  // Alternative shapes of one request (the adapter falls back between them): one fitting member is enough.
  problems.push(...groupProblems(queries, (doc) => found.get(doc) ?? []));
  const how = `introspection is refused, so each of the ${ran} read queries ran once with harmless arguments (mutations were not checked)`;
  if (problems.length === 0) return result('schema', account.id, 'pass', how);
  return result('schema', account.id, 'fail', `${how}: ${problems.length} mismatch(es)`, 'send this list to the bridge\'s maintainers; do not go live while a document the bridge sends fails', problems);
}

/** A secret shown by its last four characters only. */
const maskSecret = (s: string): string => (s.length <= 8 ? '…' : `…${s.slice(-4)}`);

const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * The upstream webhook points at this bridge (where the upstream's API can list webhooks), optionally
 * registering it first; and the signing key the upstream reveals matches the configured one.
 */
export async function checkWebhook(config: BridgeConfig, account: AccountConfig, upstream: Upstream, register: boolean): Promise<CheckResult[]> {
  const url = webhookUrlFor(config, account);
  if (!account.webhooks) return [result('webhook', account.id, 'skip', 'webhooks: false, the poller alone notices changes')];
  if (!upstream.listWebhooks) {
    const where = account.upstream.kind === 'vervoe' ? "Vervoe's dashboard (API webhook settings)" : `${account.upstream.kind}'s settings`;
    return [
      result('webhook', account.id, register ? 'warn' : 'skip', `${account.upstream.kind}'s API cannot list or create webhooks: set ${url} in ${where}${register ? ' (--register-webhooks cannot do it)' : ''}`, register ? `open ${where} and set the URL by hand` : undefined),
      account.upstream.webhookSecret
        ? result('webhook_secret', account.id, 'pass', `webhook secret set (${maskSecret(account.upstream.webhookSecret)}); compare it with the one in ${where}`)
        : result('webhook_secret', account.id, 'fail', 'no webhook secret: every webhook will be refused', 'set upstream.webhook_secret in accounts.yaml'),
    ];
  }
  const events = upstream.webhookEvents ?? [];
  const out: CheckResult[] = [];
  try {
    if (register && upstream.registerWebhook) {
      const r = await upstream.registerWebhook(url, events);
      out.push(result('webhook', account.id, 'pass', `webhook ${r.action} for ${url} (id ${r.webhook.id}, events ${r.webhook.events.join(', ')})`));
    } else {
      const hooks = await upstream.listWebhooks();
      const mine = hooks.filter((h) => h.url === url);
      const ready = mine.find((h) => h.active && events.every((e) => h.events.includes(e)));
      if (ready) out.push(result('webhook', account.id, 'pass', `webhook registered for ${url} (id ${ready.id})`));
      else {
        const fix = `run: npm run cli -- doctor --account ${account.id} --register-webhooks (or add the webhook in ${account.upstream.kind}'s settings)`;
        const first = mine[0];
        if (!first) {
          const others = hooks.length === 0 ? 'the account has none' : `the account's webhooks go to ${hooks.map((h) => h.url).join(', ')}`;
          out.push(result('webhook', account.id, 'fail', `no webhook registered for ${url} (${others})`, fix));
        } else {
          const missing = events.filter((e) => !first.events.includes(e));
          const why = [first.active ? '' : 'inactive', missing.length > 0 ? `missing events ${missing.join(', ')}` : ''].filter(Boolean).join(', ');
          out.push(result('webhook', account.id, 'fail', `the webhook for ${url} (id ${first.id}) is ${why}`, fix));
        }
      }
    }
  } catch (err) {
    const p = upstreamProblem(err, account, config.mode === 'sandbox');
    return [result('webhook', account.id, 'fail', `cannot ${register ? 'register' : 'list'} webhooks: ${p.message}`, p.fix)];
  }
  out.push(await checkWebhookSecret(config, account, upstream));
  return out;
}

async function checkWebhookSecret(config: BridgeConfig, account: AccountConfig, upstream: Upstream): Promise<CheckResult> {
  const configured = account.upstream.webhookSecret;
  const where = config.mode === 'sandbox' ? 'data/sandbox-credentials.json (webhookSecret)' : "the env var or file that accounts.yaml names under this account's upstream.webhook_secret";
  let actual: string | undefined;
  try {
    actual = upstream.webhookSecret ? await upstream.webhookSecret() : undefined;
  } catch (err) {
    return result('webhook_secret', account.id, 'warn', `cannot read the upstream's signing key: ${(err as Error).message}`, 'compare the key in the upstream\'s webhook settings with the configured webhook_secret');
  }
  if (actual === undefined || actual === '') {
    if (configured) return result('webhook_secret', account.id, 'pass', `webhook secret set (${maskSecret(configured)}); the upstream does not reveal its key to compare`);
    return result('webhook_secret', account.id, 'fail', 'no webhook secret: every webhook will be refused', `put the signing key (${account.upstream.kind}: Profile → Webhooks → Reveal key) in ${where}`);
  }
  // The key is never printed whole: doctor output ends up in tickets and chat.
  if (configured && sameSecret(configured, actual)) return result('webhook_secret', account.id, 'pass', `the configured webhook secret is the key ${account.upstream.kind} signs with (${maskSecret(actual)})`);
  return result(
    'webhook_secret',
    account.id,
    'fail',
    configured
      ? `the configured webhook secret (${maskSecret(configured)}) is not the key ${account.upstream.kind} signs with (${maskSecret(actual)}): every webhook will be refused`
      : `no webhook secret configured; ${account.upstream.kind} signs with ${maskSecret(actual)}`,
    `copy the key from ${account.upstream.kind} (Profile → Webhooks → Reveal key) into ${where}, then apply it: a secret file is re-read on SIGHUP, an environment variable needs a restart (docs/operations.md, "Accounts reloaded without a restart")`,
  );
}
