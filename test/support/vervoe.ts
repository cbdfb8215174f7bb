/**
 * Shared setup for the Vervoe tests: a sandbox on an ephemeral loopback port with a hand-driven clock, an
 * adapter pointed at it, a control client, and a recorder of every exchange seen by the sandbox's API.
 */
import axios, { type AxiosInstance } from 'axios';
import type Koa from 'koa';
import { createVervoeSandbox, type VervoeSandbox, type VervoeSandboxOptions } from '../../src/sandbox/vervoe/index.js';
import { createVervoeUpstream, type VervoeUpstreamOptions } from '../../src/upstreams/vervoe/index.js';
import type { Upstream } from '../../src/upstreams/types.js';

export const T0 = Date.parse('2025-10-01T09:00:00.000Z');
export const SLUG = { support: 'customer-support-specialist', backend: 'backend-developer-test' };

/** One request the sandbox API received and what it answered. */
export interface Exchange {
  method: string;
  path: string;
  query: Record<string, unknown>;
  authorization: string;
  contentType: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

export interface VervoeHarness {
  sandbox: VervoeSandbox;
  base: string;
  upstream: Upstream;
  control: AxiosInstance;
  clock: { now: number };
  exchanges: Exchange[];
  advance(ms: number): void;
  close(): Promise<void>;
}

function recorder(into: Exchange[]): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (!ctx.path.startsWith('/api/')) return;
    into.push({
      method: ctx.method,
      path: ctx.path,
      query: { ...ctx.query },
      authorization: ctx.get('authorization'),
      contentType: ctx.get('content-type'),
      requestBody: (ctx.request as { body?: unknown }).body,
      status: ctx.status,
      responseBody: ctx.body,
    });
  };
}

/** Starts a sandbox (clock at T0) and an adapter for it. */
export async function startVervoe(
  sandboxOpts: VervoeSandboxOptions = {},
  upstreamOpts: Partial<VervoeUpstreamOptions> = {},
): Promise<VervoeHarness> {
  const clock = { now: T0 };
  const exchanges: Exchange[] = [];
  const sandbox = createVervoeSandbox({ apiKey: 'vk-test', secretKey: 'vs-test', webhookSecret: 'whsec-vervoe', now: () => clock.now, ...sandboxOpts });
  // First in the chain, so it sees the parsed request body and the final answer.
  sandbox.app.middleware.unshift(recorder(exchanges));
  const base = await sandbox.listen(0, '127.0.0.1');
  const upstream = createVervoeUpstream({
    baseUrl: `${base}/api`,
    apiKey: 'vk-test',
    secretKey: 'vs-test',
    webhookSecret: 'whsec-vervoe',
    timeoutMs: 2000,
    now: () => clock.now,
    ...upstreamOpts,
  });
  return {
    sandbox,
    base,
    upstream,
    control: axios.create({ baseURL: `${base}/_sandbox`, validateStatus: () => true }),
    clock,
    exchanges,
    advance(ms) {
      clock.now += ms;
    },
    close: () => sandbox.close(),
  };
}

/** A valid invite for the support assessment. */
export function inviteInput(externalId: string, email = `${externalId}@example.com`, templateId = SLUG.support) {
  return { templateId, externalId, jobTitle: 'Customer Support Specialist', candidate: { firstName: 'Ada', lastName: 'Lovelace', email, phone: '+32491505050' } };
}
