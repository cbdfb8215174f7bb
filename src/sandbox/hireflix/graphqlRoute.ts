/**
 * POST /me: Hireflix's authenticated GraphQL endpoint. Order per request: count it, check X-API-KEY,
 * apply an armed fault, wait the configured latency, then execute against the schema. Documents that fail
 * to parse or validate get HTTP 400 with `errors` (as common GraphQL servers do); mutations that fail
 * business rules answer 200 with a union error member, as Hireflix does.
 */
import type { Context } from 'koa';
import { NoSchemaIntrospectionCustomRule, execute, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { FaultInjector } from '../common/faults.js';

export interface GraphqlStats {
  requests: number;
  byOperation: Record<string, number>;
}

export interface GraphqlRouteDeps {
  apiKey: string;
  schema: GraphQLSchema;
  /** False adds graphql-js's NoSchemaIntrospectionCustomRule: introspection fails validation. */
  introspection?: boolean;
  rootValue: () => unknown;
  faults: FaultInjector;
  stats: GraphqlStats;
  latencyMs: number;
}

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** A query text parsed and validated once: clients send the same few documents over and over. */
type Prepared = { document: DocumentNode; errors: readonly GraphQLError[] } | { document?: undefined; errors: readonly GraphQLError[] };

const MAX_CACHED_DOCUMENTS = 200;

function preparer(schema: GraphQLSchema, introspection: boolean) {
  const rules = introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const cache = new Map<string, Prepared>();
  return (query: string): Prepared => {
    let prepared = cache.get(query);
    if (!prepared) {
      try {
        const document = parse(query);
        prepared = { document, errors: validate(schema, document, rules) };
      } catch (err) {
        prepared = { errors: [err as GraphQLError] };
      }
      if (cache.size >= MAX_CACHED_DOCUMENTS) cache.delete(cache.keys().next().value!);
      cache.set(query, prepared);
    }
    return prepared;
  };
}

function operationName(prepared: Prepared, name: string | undefined): string {
  if (!prepared.document) return 'unparseable';
  return getOperationAST(prepared.document, name)?.name?.value ?? 'anonymous';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Builds the Koa handler for POST /me. */
export function graphqlHandler(deps: GraphqlRouteDeps) {
  const prepare = preparer(deps.schema, deps.introspection ?? true);
  return async (ctx: Context): Promise<void> => {
    deps.stats.requests += 1;
    const body = (ctx.request.body ?? {}) as GraphqlBody;
    const query = typeof body.query === 'string' ? body.query : '';
    const opName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const prepared = prepare(query);
    const op = operationName(prepared, opName);
    deps.stats.byOperation[op] = (deps.stats.byOperation[op] ?? 0) + 1;

    // Hireflix's unauthenticated answer is not documented; a GraphQL-style 401 is our stand-in.
    if (ctx.get('x-api-key') !== deps.apiKey) {
      ctx.status = 401;
      ctx.body = { errors: [{ message: 'Unauthorized: missing or invalid X-API-KEY', extensions: { code: 'UNAUTHENTICATED' } }] };
      return;
    }

    const fault = deps.faults.take();
    if (fault?.mode === 'rate_limit') {
      ctx.status = 429;
      ctx.set('Retry-After', String(fault.retryAfterSeconds ?? 30));
      ctx.body = { errors: [{ message: 'Too many requests' }] };
      return;
    }
    if (fault?.mode === 'error') {
      ctx.status = 503;
      ctx.type = 'text/html';
      ctx.body = '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>';
      return;
    }
    if (fault?.mode === 'timeout') {
      await deps.faults.hold();
      ctx.status = 504;
      ctx.body = { errors: [{ message: 'Sandbox closed while holding the request' }] };
      return;
    }
    if (deps.latencyMs > 0) await sleep(deps.latencyMs);

    if (query === '') {
      ctx.status = 400;
      ctx.body = { errors: [{ message: 'Must provide query string.' }] };
      return;
    }
    const variableValues = typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : undefined;
    if (!prepared.document || prepared.errors.length > 0) {
      ctx.status = 400;
      ctx.body = { errors: prepared.errors };
      return;
    }
    const result = await execute({
      schema: deps.schema,
      document: prepared.document,
      rootValue: deps.rootValue(),
      ...(variableValues ? { variableValues } : {}),
      ...(opName ? { operationName: opName } : {}),
    });
    ctx.status = result.data === undefined && result.errors ? 400 : 200;
    ctx.body = result;
  };
}
