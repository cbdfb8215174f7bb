/**
 * Shared setup for the Hireflix tests: a sandbox on an ephemeral loopback port with a hand-driven clock,
 * an adapter pointed at it, a JSON client for the control API, and a local webhook receiver.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import { createHireflixSandbox, type HireflixSandbox, type HireflixSandboxOptions } from '../../src/sandbox/hireflix/index.js';
import { createHireflixUpstream, type HireflixUpstreamOptions } from '../../src/upstreams/hireflix/index.js';
import type { Upstream } from '../../src/upstreams/types.js';

export const T0 = Date.parse('2025-10-01T09:00:00.000Z');

export interface Harness {
  sandbox: HireflixSandbox;
  base: string;
  upstream: Upstream;
  control: AxiosInstance;
  clock: { now: number };
  /** Moves the sandbox clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Starts a sandbox and an adapter for it. */
export async function startHarness(
  sandboxOpts: HireflixSandboxOptions = {},
  upstreamOpts: Partial<HireflixUpstreamOptions> = {},
): Promise<Harness> {
  const clock = { now: T0 };
  const sandbox = createHireflixSandbox({ apiKey: 'test-key-123', webhookSecret: 'whsec-test', now: () => clock.now, ...sandboxOpts });
  const base = await sandbox.listen(0, '127.0.0.1');
  const upstream = createHireflixUpstream({
    endpoint: `${base}/me`,
    apiKey: 'test-key-123',
    webhookSecret: 'whsec-test',
    timeoutMs: 3000,
    ...upstreamOpts,
  });
  const control = axios.create({ baseURL: `${base}/_sandbox`, validateStatus: () => true });
  return {
    sandbox,
    base,
    upstream,
    control,
    clock,
    advance(ms) {
      clock.now += ms;
    },
    close: () => sandbox.close(),
  };
}

export const POSITION = {
  support: '64f0c0ffee00000000000001',
  backend: '64f0c0ffee00000000000002',
  sales: '64f0c0ffee00000000000003',
  archived: '64f0c0ffee00000000000004',
};

/** A valid invite for the support position; override what a test cares about. */
export function inviteInput(externalId: string, email = `${externalId}@example.com`, templateId = POSITION.support) {
  return {
    templateId,
    externalId,
    jobTitle: 'Customer Support Specialist',
    candidate: { firstName: 'Ada', lastName: 'Lovelace', email, phone: '+32491505050' },
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A local HTTP server that records every request and answers `status`. */
export async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
