/**
 * A local Hireflix: GraphQL on POST /me behind X-API-KEY, signed webhooks, and a control API under
 * /_sandbox. Good enough that the adapter cannot tell it from the real thing for the calls it makes.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { createSandboxApp, type ErrorBody } from '../common/app.js';
import { createSandboxListener, type SandboxHandle } from '../common/listener.js';
import { persistToFile } from '../common/persist.js';
import { controlRouter } from './control.js';
import { graphqlHandler } from './graphqlRoute.js';
import type { SandboxPositionSeed } from './model.js';
import { pagesRouter } from './pages.js';
import type { InterviewListShape } from './schema.js';
import { createSandboxState, type SandboxState } from './state.js';

export interface HireflixSandboxOptions {
  /** Key the sandbox accepts in X-API-KEY; random when omitted. */
  apiKey?: string;
  /** Secret used to sign webhooks; random when omitted. */
  webhookSecret?: string;
  /** Where webhooks go; none are sent until one is set (here or via POST /_sandbox/webhooks). */
  webhookUrl?: string;
  positions?: SandboxPositionSeed[];
  /** Added to every GraphQL answer, to make timing visible in demos. */
  latencyMs?: number;
  /** Clock in epoch ms, for tests that need exact timestamps. */
  now?: () => number;
  /** Replaces the schema's SDL (tests: a schema missing a field the adapter uses). */
  sdl?: string;
  /**
   * How interviewList takes its options: "input" (default, the best-evidenced shape) or "arguments"
   * (separate pagination/filter/sort); each rejects the other by validation (tests of the adapter's fallback).
   */
  interviewListShape?: InterviewListShape;
  /** False: introspection queries fail validation, as on servers that turn it off. Default true. */
  introspection?: boolean;
  /**
   * A JSON file that keeps the records (positions, interviews, invitation counts, share links) across a
   * restart: loaded when it exists, saved after every request that can change them. None: in memory only.
   */
  stateFile?: string;
}

export interface HireflixSandbox extends SandboxHandle<SandboxState> {
  /** The endpoint the adapter should use: `${baseUrl}/me`. */
  endpoint(): string;
}

// Hireflix's REST-ish error body: {error}.
const errorBody: ErrorBody = (status, err) => ({ error: status === 500 ? 'internal sandbox error' : (err as Error).message });

/** Creates a sandbox; nothing listens until listen() is called, so tests may also use `app` directly. */
export function createHireflixSandbox(opts: HireflixSandboxOptions = {}): HireflixSandbox {
  const apiKey = opts.apiKey ?? `sandbox_${randomBytes(12).toString('hex')}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString('base64');
  const state = createSandboxState({ ...opts, apiKey, webhookSecret });

  const api = new Router();
  api.post('/me', graphqlHandler({
    apiKey,
    schema: state.schema,
    introspection: state.introspection,
    rootValue: state.rootValue,
    faults: state.faults,
    stats: state.stats,
    latencyMs: state.latencyMs,
  }));
  const persisted = opts.stateFile !== undefined ? persistToFile('hireflix', opts.stateFile, state) : undefined;
  const app = createSandboxApp(errorBody, [api, controlRouter(state), pagesRouter(state)], persisted ? [persisted.middleware] : []);

  return {
    app,
    apiKey,
    webhookSecret,
    state,
    endpoint: () => `${state.baseUrl()}/me`,
    ...createSandboxListener(app, state),
  };
}
