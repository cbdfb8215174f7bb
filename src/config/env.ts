/**
 * The environment variables that override bridge.yaml, as one table. They are written into the parsed
 * file before validation, so joi checks an override exactly as it checks the key in the file, and a
 * rejected value is reported under the variable's name ("environment: PORT must be a port number").
 * REDIS_URL is not here: it is a secret reference (store.redis_url names it) and selects the Redis store.
 */

/** How the text of a variable becomes the value of the key it overrides (joi then checks the value). */
type Kind = 'string' | 'integer' | 'boolean';

export interface EnvOverride {
  variable: string;
  /** The key of bridge.yaml it replaces, as a path. */
  key: readonly string[];
  kind: Kind;
  /** What the value must be, said in the variable's own terms; joi's wording when absent. */
  must?: string;
  /** The rejected value is not quoted back (a URL may carry credentials). */
  quiet?: true;
}

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'PORT', key: ['server', 'port'], kind: 'integer', must: 'must be a port number' },
  { variable: 'PUBLIC_BASE_URL', key: ['server', 'public_base_url'], kind: 'string', must: 'must be an http or https URL', quiet: true },
  { variable: 'TRUST_PROXY_HOPS', key: ['server', 'trust_proxy_hops'], kind: 'integer', must: 'must be a whole number from 0 to 5' },
  { variable: 'SQLITE_PATH', key: ['store', 'sqlite_path'], kind: 'string' },
  { variable: 'SQLITE_SYNCHRONOUS', key: ['store', 'sqlite_synchronous'], kind: 'string', must: 'must be normal or full' },
  { variable: 'REDIS_PREFIX', key: ['store', 'prefix'], kind: 'string', must: 'must be 1 to 40 letters, digits, ":", "_" or "-"' },
  { variable: 'LOG_LEVEL', key: ['logging', 'level'], kind: 'string', must: 'must be trace, debug, info, warn, error, fatal or silent' },
  { variable: 'LOG_PRETTY', key: ['logging', 'pretty'], kind: 'boolean', must: 'must be 1 or 0 (also true/false, yes/no, on/off)' },
  { variable: 'SANDBOX_PORT', key: ['sandbox', 'port'], kind: 'integer', must: 'must be a port number' },
];

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/**
 * The value to validate. Text that is not of the kind is passed through as text, so joi rejects it with
 * the variable named ("abc" for a port is not quietly NaN, "yes" for a flag is not quietly false).
 */
function convert(kind: Kind, text: string): unknown {
  if (kind === 'integer') return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
  if (kind === 'boolean') {
    const t = text.trim().toLowerCase();
    return TRUE.has(t) ? true : FALSE.has(t) ? false : text;
  }
  return text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mapping at `path` under `root`, created when absent; undefined when something else is in the way. */
function sectionOf(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let node = root;
  for (const part of path) {
    const next = node[part] ?? (node[part] = {});
    if (!isObject(next)) return undefined;
    node = next;
  }
  return node;
}

/**
 * A copy of the parsed bridge.yaml with every set override written in, and the overrides applied by key
 * path ("server.port"), for naming them in problems. An empty variable counts as unset.
 */
export function applyEnvOverrides(file: unknown, env: Record<string, string | undefined>): { file: unknown; applied: ReadonlyMap<string, EnvOverride> } {
  const applied = new Map<string, EnvOverride>();
  if (!isObject(file)) return { file, applied };
  const out: Record<string, unknown> = structuredClone(file);
  for (const o of ENV_OVERRIDES) {
    const text = env[o.variable];
    if (text === undefined || text === '') continue;
    const parent = sectionOf(out, o.key.slice(0, -1));
    // A section that is not a mapping is the file's own problem, reported by validation.
    if (!parent) continue;
    parent[o.key[o.key.length - 1]!] = convert(o.kind, text);
    applied.set(o.key.join('.'), o);
  }
  return { file: out, applied };
}

/** The problem for a rejected override: the variable, what it must be, and (unless quiet) what it was. */
export function envProblem(o: EnvOverride, env: Record<string, string | undefined>, joiMessage: string): string {
  const value = o.quiet ? '' : `, not ${JSON.stringify(env[o.variable] ?? '')}`;
  return `environment: ${o.variable} ${o.must ?? joiMessage}${value}`;
}
