/**
 * The contract check behind every component test: `call()` (test/support/harness.ts) hands each exchange
 * with a bridge (registered by the harnesses) to record(), which matches it to the OpenAPI document's
 * operation and checks the status is documented and the body matches its schema (Ajv, JSON Schema 2020-12,
 * formats checked). The root afterAll hook (test/setup.ts) fails the test file that caused a mismatch; the
 * global teardown merges every test process's tally and, when the whole suite ran, fails the run on any
 * documented operation and status that no test exercised (less NOT_EXERCISED, each with its reason).
 */
import type { Ajv2020 as Ajv2020Type } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { OPENAPI_DOCUMENT } from '../../src/http/openapi.js';

/**
 * Ajv and ajv-formats are dev dependencies added with this check. A checkout whose node_modules predates
 * them (a shared install not yet refreshed) skips the check and says so, except on CI, where `npm
 * install-ci-test` installs them and their absence is a failure.
 */
async function loadAjv(): Promise<Ajv2020Type | undefined> {
  try {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const formats = (await import('ajv-formats')) as unknown as { default: unknown };
    // ajv-formats is CommonJS: its plugin function is the default export, under .default once more in ESM.
    const addFormats = ((formats.default as { default?: unknown }).default ?? formats.default) as (ajv: Ajv2020Type) => void;
    const instance = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(instance);
    return instance;
  } catch (err) {
    if (process.env.CI) throw err;
    console.warn(`\n  OpenAPI check SKIPPED: ${(err as Error).message.split('\n')[0]} (run npm install)`);
    return undefined;
  }
}
const loaded = await loadAjv();
/** False when ajv is not installed here (outside CI): nothing is checked, and the verdict says so. */
export const OPENAPI_CHECK_AVAILABLE = loaded !== undefined;

/** Statuses any route may answer (the document's info.description names them): error body required. */
const ANY_ROUTE = new Set([400, 408, 429, 431, 503]);

/**
 * Documented answers no test provokes, and why. Everything else documented must be seen in a full run.
 */
export const NOT_EXERCISED: Record<string, string> = {};

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const doc = OPENAPI_DOCUMENT as unknown as {
  paths: Record<string, Record<string, unknown>>;
  components: { responses: Record<string, unknown> };
};

const ajv = loaded as Ajv2020Type;
loaded?.addSchema(OPENAPI_DOCUMENT, 'doc');

const pointer = (parts: string[]): string => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map<string, ValidateFunction>();
function validatorFor(parts: string[]): ValidateFunction {
  const key = pointer(parts);
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile({ $ref: `doc#/${key}` });
    validators.set(key, v);
  }
  return v;
}

/** A `$ref: '#/components/responses/X'` as the response object, with the pointer parts to it. */
function resolveResponse(r: unknown, parts: string[]): { response: Operation['responses'][string]; parts: string[] } {
  const ref = (r as { $ref?: string }).$ref;
  if (ref?.startsWith('#/components/responses/')) {
    const name = ref.slice('#/components/responses/'.length);
    return { response: doc.components.responses[name] as Operation['responses'][string], parts: ['components', 'responses', name] };
  }
  return { response: r as Operation['responses'][string], parts };
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
export const OPERATIONS: Operation[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  METHODS.filter((m) => m in item).map((m) => ({
    method: m.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    responses: (item[m] as { responses: Operation['responses'] }).responses,
  })),
);

/** Every documented operation and status, as `METHOD /template STATUS`. */
export const DOCUMENTED: string[] = OPERATIONS.flatMap((op) => Object.keys(op.responses).map((s) => `${op.method} ${op.template} ${s}`));

const seen = new Set<string>();
const failures: string[] = [];
const bridges = new Set<string>();
let currentTest = '';
let recorded = 0;
let mismatchCount = 0;

/** Called by each harness with the base URL of a bridge it started. */
/**
 * Marks url's origin as a bridge until the returned function is called (when that bridge closes): its port
 * may then be handed to a sandbox or receiver, whose answers are not the bridge's.
 */
export function registerBridge(url: string): () => void {
  const origin = new URL(url).origin;
  bridges.add(origin);
  return () => {
    bridges.delete(origin);
  };
}

export function setCurrentTest(title: string): void {
  currentTest = title;
}

export interface Exchange {
  method: string;
  url: string;
  status: number;
  contentType: string;
  text: string;
}

/** Checks one exchange with a registered bridge against the document, and keeps the problem for the end of the run. */
export function record(x: Exchange): void {
  const u = new URL(x.url);
  if (!bridges.has(u.origin) || !OPENAPI_CHECK_AVAILABLE) return;
  recorded += 1;
  const problem = checkExchange(x, seen);
  if (problem) {
    mismatchCount += 1;
    failures.push(`${currentTest}\n      ${x.method} ${u.pathname} → ${x.status}: ${problem}`);
  }
}

/** The problem with one exchange, or undefined when the document describes it; documented answers are added to `seen`. */
export function checkExchange(x: Exchange, seenAnswers = new Set<string>()): string | undefined {
  const path = new URL(x.url).pathname;
  const method = x.method === 'HEAD' ? 'GET' : x.method;
  const op = OPERATIONS.find((o) => o.method === method && o.pattern.test(path));
  const isErrorBody = (): string | undefined => {
    if (!x.contentType.startsWith('application/json')) return `an error should be JSON, got ${x.contentType || 'no content type'}`;
    return validate(validatorFor(['components', 'schemas', 'Error']), x.text, 'error body');
  };
  if (x.status >= 500 && x.status !== 502 && x.status !== 503 && x.status !== 504) return `status ${x.status} is never documented`;
  if (!op) {
    const atPath = OPERATIONS.filter((o) => o.pattern.test(path));
    if (atPath.length > 0 && (x.status === 405 || x.method === 'OPTIONS')) {
      if (x.method === 'OPTIONS') return undefined;
      // A wrong method on a documented path: the 405 those operations document (operator routes do).
      for (const o of atPath) if (o.responses['405']) seenAnswers.add(`${o.method} ${o.template} 405`);
      return isErrorBody();
    }
    if (x.status === 404 || ANY_ROUTE.has(x.status)) return isErrorBody();
    return `no operation ${method} ${path} in the document, yet it answered ${x.status}`;
  }
  const key = `${op.method} ${op.template} ${x.status}`;
  const documented = op.responses[String(x.status)];
  if (!documented) {
    if (ANY_ROUTE.has(x.status)) return isErrorBody();
    return `status ${x.status} is not documented for ${op.method} ${op.template} (documented: ${Object.keys(op.responses).join(', ')})`;
  }
  seenAnswers.add(key);
  if (x.method === 'HEAD') return undefined;
  const { response, parts } = resolveResponse(documented, ['paths', op.template, op.method.toLowerCase(), 'responses', String(x.status)]);
  const types = Object.keys(response.content ?? {});
  if (types.length === 0) return undefined;
  const type = types.find((t) => x.contentType.split(';')[0]!.trim() === t);
  if (!type) return `content type ${x.contentType || '(none)'} is not documented (documented: ${types.join(', ')})`;
  if (type !== 'application/json') return undefined;
  return validate(validatorFor([...parts, 'content', type, 'schema']), x.text, 'body');
}

function validate(v: ValidateFunction, text: string, what: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${what} is not JSON: ${text.slice(0, 120)}`;
  }
  if (v(body)) return undefined;
  return `${what} ${text.slice(0, 300)} does not match: ${ajv.errorsText(v.errors, { separator: '; ' })}`;
}

/** What one test process saw: written by each worker (test/setup.ts) and merged at the end of the run. */
export interface Tally {
  recorded: number;
  mismatches: number;
  seen: string[];
  /** The test files this process ran (repository-relative). */
  files: string[];
}

/** The mismatches recorded since the last call (each is reported once, by the file whose test caused it). */
export function takeMismatches(): string[] {
  return failures.splice(0).map((f) => `response does not match docs (src/http/openapi.ts): ${f}`);
}

/** This process's tally so far. */
export function tally(files: Iterable<string>): Tally {
  return { recorded, mismatches: mismatchCount, seen: [...seen], files: [...files] };
}

/**
 * The end-of-run verdict over every process's tally: documented answers nobody exercised are problems when
 * `complete` (the whole suite ran). Mismatches were already reported by the files that caused them.
 */
export function verdict(tallies: readonly Tally[], complete: boolean): { problems: string[]; summary: string } {
  if (!OPENAPI_CHECK_AVAILABLE) return { problems: [], summary: 'OpenAPI check SKIPPED: ajv is not installed (run npm install)' };
  const all = new Set(tallies.flatMap((t) => t.seen));
  const checked = tallies.reduce((n, t) => n + t.recorded, 0);
  const mismatched = tallies.reduce((n, t) => n + t.mismatches, 0);
  const missing = DOCUMENTED.filter((k) => !all.has(k) && !(k in NOT_EXERCISED));
  const problems = complete ? missing.map((k) => `documented but exercised by no component test: ${k} (test it, or list it in NOT_EXERCISED with the reason)`) : [];
  const exercised = DOCUMENTED.filter((k) => all.has(k)).length;
  const summary = `OpenAPI check: ${checked} bridge responses checked, ${mismatched} mismatches; ${exercised} of ${DOCUMENTED.length} documented answers exercised, ${Object.keys(NOT_EXERCISED).length} listed as not exercisable${complete ? '' : `, ${missing.length} not seen in this partial run`}`;
  return { problems, summary };
}
