/**
 * A local Vervoe: the REST API of Vervoe's description under /api (token by Basic auth, then Bearer),
 * signed report webhooks re-sent until answered 200, and a control API under /_sandbox.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { apiRouter } from './api.js';
import { controlRouter } from './control.js';
import type { VervoeAssessment } from './model.js';
import { createVervoeSandboxState, type VervoeSandboxState } from './state.js';
import { VervoeSandboxError } from './store.js';

export interface VervoeSandboxOptions {
  /** API key and secret key accepted by the token endpoint; random when omitted. */
  apiKey?: string;
  secretKey?: string;
  /** Secret for Vervoe-Signature; random when omitted. */
  webhookSecret?: string;
  /** Where webhooks go; none are sent until one is set (here or via POST /_sandbox/webhooks). */
  webhookUrl?: string;
  assessments?: readonly VervoeAssessment[];
  /** Items per page on both lists; default 20. */
  pageSize?: number;
  /** Attempts per webhook until a 200 (default 3) and the pause between them (default 50 ms). */
  webhookMaxAttempts?: number;
  webhookRetryDelayMs?: number;
  /** Clock in epoch ms, for tests. */
  now?: () => number;
}

export interface VervoeSandbox {
  readonly app: Koa;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly state: VervoeSandboxState;
  /** Starts listening (default port 0 on 127.0.0.1); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** What the adapter's base_url should be: `${baseUrl}/api`. */
  apiBase(): string;
  close(): Promise<void>;
}

function errors(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = err instanceof VervoeSandboxError ? err.status : typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      ctx.status = status;
      const message = status === 500 ? 'Server Error' : (err as Error).message;
      // Vervoe's error bodies: {success: false, errors[, data]}; the 400 on invite carries data.
      ctx.body = { success: false, errors: message, ...(err instanceof VervoeSandboxError && err.data ? { data: err.data } : {}) };
      if (status === 500) ctx.app.emit('error', err, ctx);
    }
  };
}

/** Creates a sandbox; nothing listens until listen(). */
export function createVervoeSandbox(opts: VervoeSandboxOptions = {}): VervoeSandbox {
  const apiKey = opts.apiKey ?? `vk_${randomBytes(12).toString('hex')}`;
  const secretKey = opts.secretKey ?? randomBytes(18).toString('base64url');
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString('base64url');
  const state = createVervoeSandboxState({ ...opts, apiKey, secretKey, webhookSecret });
  const app = new Koa();
  app.silent = true;
  app.use(errors());
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' }));
  app.use(apiRouter(state).routes());
  app.use(controlRouter(state).routes());

  let server: Server | undefined;
  return {
    app,
    apiKey,
    secretKey,
    webhookSecret,
    state,
    apiBase: () => `${state.baseUrl()}/api`,
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
