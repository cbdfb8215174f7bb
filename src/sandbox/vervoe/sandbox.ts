/**
 * A local Vervoe: the REST API of Vervoe's description under /api (token by Basic auth, then Bearer),
 * signed report webhooks re-sent until answered 200, and a control API under /_sandbox.
 */
import { randomBytes } from 'node:crypto';
import { createSandboxApp, type ErrorBody } from '../common/app.js';
import { createSandboxListener, type SandboxHandle } from '../common/listener.js';
import { persistToFile } from '../common/persist.js';
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
  /** A JSON file that keeps the candidate assessments across a restart (see common/persist.ts). */
  stateFile?: string;
}

export interface VervoeSandbox extends SandboxHandle<VervoeSandboxState> {
  readonly secretKey: string;
  /** What the adapter's base_url should be: `${baseUrl}/api`. */
  apiBase(): string;
}

// Vervoe's error bodies: {success: false, errors[, data]}; the 400 on invite carries data.
const errorBody: ErrorBody = (status, err) => ({
  success: false,
  errors: status === 500 ? 'Server Error' : (err as Error).message,
  ...(err instanceof VervoeSandboxError && err.data ? { data: err.data } : {}),
});

/** Creates a sandbox; nothing listens until listen(). */
export function createVervoeSandbox(opts: VervoeSandboxOptions = {}): VervoeSandbox {
  const apiKey = opts.apiKey ?? `vk_${randomBytes(12).toString('hex')}`;
  const secretKey = opts.secretKey ?? randomBytes(18).toString('base64url');
  const webhookSecret = opts.webhookSecret ?? randomBytes(24).toString('base64url');
  const state = createVervoeSandboxState({ ...opts, apiKey, secretKey, webhookSecret });
  const persisted = opts.stateFile !== undefined ? persistToFile('vervoe', opts.stateFile, state) : undefined;
  const app = createSandboxApp(errorBody, [apiRouter(state), controlRouter(state)], persisted ? [persisted.middleware] : []);

  return {
    app,
    apiKey,
    secretKey,
    webhookSecret,
    state,
    apiBase: () => `${state.baseUrl()}/api`,
    ...createSandboxListener(app, state),
  };
}
