/**
 * Loads autocannon (a devDependency) without a compile-time dependency on it: the package ships no types,
 * and the type-check must pass on a checkout where it is not installed yet. Resolution order: the project's
 * node_modules, then each NODE_PATH entry (ESM ignores NODE_PATH, so it is honoured here by hand).
 */
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** One request of a run; setupRequest may rewrite it per request (e.g. a unique body). */
export interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
}

/** The subset of autocannon's options the benchmarks use. */
export interface AcOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  /** Requests per second over all connections (open-model load); omitted means as fast as possible. */
  overallRate?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AcRequest[];
  timeout?: number;
}

/** The subset of autocannon's result the benchmarks read. */
export interface AcResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface AcInstance extends PromiseLike<AcResult> {
  on(event: 'response', fn: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}

type Autocannon = (opts: AcOptions) => AcInstance;

/** The autocannon function, or a clear error naming the install line. */
export function loadAutocannon(): Autocannon {
  const bases = [join(process.cwd(), 'package.json'), ...(process.env.NODE_PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'noop.js'))];
  for (const base of bases) {
    try {
      return createRequire(base)('autocannon') as Autocannon;
    } catch {
      // try the next place
    }
  }
  throw new Error('autocannon is not installed: add "autocannon": "9.0.0" to devDependencies, or set NODE_PATH to a node_modules holding it');
}

/**
 * Runs autocannon and also keeps every 2xx response time with sub-millisecond precision (autocannon's own
 * histogram has 1 ms resolution, too coarse for "added latency" of a few milliseconds).
 */
export async function runLoad(opts: AcOptions): Promise<{ result: AcResult; samplesMs: number[] }> {
  const samplesMs: number[] = [];
  const instance = loadAutocannon()(opts);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) samplesMs.push(ms);
  });
  const result = await instance;
  return { result, samplesMs };
}
