/**
 * A local Hireflix: GraphQL on POST /me behind X-API-KEY, signed webhooks, and a control API under
 * /_sandbox. Good enough that the adapter cannot tell it from the real thing for the calls it makes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { controlRouter } from './control.js';
import { graphqlHandler } from './graphqlRoute.js';
import type { SandboxPositionSeed } from './model.js';
import { pagesRouter } from './pages.js';
import { createSandboxState, type SandboxState } from './state.js';
import { SandboxError } from './store.js';

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
}

export interface HireflixSandbox {
  readonly app: Koa;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** State and control functions, the same the control API uses. */
  readonly state: SandboxState;
  /** Starts listening (default port 0 on 127.0.0.1) and resolves with the base URL, e.g. http://127.0.0.1:4010. */
  listen(port?: number, host?: string): Promise<string>;
  /** The endpoint the adapter should use: `${baseUrl}/me`. */
  endpoint(): string;
  /** Releases held (timeout-fault) requests, waits for queued webhooks, closes every connection. */
  close(): Promise<void>;
}

function errorMiddleware(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = err instanceof SandboxError ? err.status : typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      ctx.status = status;
      ctx.body = { error: status === 500 ? 'internal sandbox error' : (err as Error).message };
      if (status === 500) ctx.app.emit('error', err, ctx);
    }
  };
}

/** Creates a sandbox; nothing listens until listen() is called, so tests may also use `app` directly. */
export function createHireflixSandbox(opts: HireflixSandboxOptions = {}): HireflixSandbox {
  const apiKey = opts.apiKey ?? `sandbox_${randomBytes(12).toString('hex')}`;
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString('base64');
  const state = createSandboxState({ ...opts, apiKey, webhookSecret });

  const app = new Koa();
  app.silent = true;
  const api = new Router();
  api.post('/me', graphqlHandler({
    apiKey,
    schema: state.schema,
    rootValue: state.rootValue,
    faults: state.faults,
    stats: state.stats,
    latencyMs: state.latencyMs,
  }));
  app.use(errorMiddleware());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' }));
  app.use(api.routes());
  app.use(controlRouter(state).routes());
  app.use(pagesRouter(state).routes());

  let server: Server | undefined;
  return {
    app,
    apiKey,
    webhookSecret,
    state,
    endpoint: () => `${state.baseUrl()}/me`,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<string>((resolve, reject) => {
        const s = app.listen(port, host);
        s.once('error', reject);
        s.once('listening', () => {
          server = s;
          const { port: bound } = s.address() as AddressInfo;
          state.setBaseUrl(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
          resolve(state.baseUrl());
        });
      });
    },
    async close() {
      state.faults.release();
      await state.webhooks.idle();
      const s = server;
      server = undefined;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
