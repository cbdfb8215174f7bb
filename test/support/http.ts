/**
 * HTTP helpers every component test shares: a free port, a small client whose every answer from a bridge is
 * checked against the OpenAPI document, and a poll-until-true.
 */
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { record } from './recorder.js';

/** A port that was free a moment ago (the bridge must know its public URL before it listens). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * A small HTTP client over node:http (nock 15 wraps global fetch in a way that breaks request bodies on
 * Node 20), returning status, headers and parsed JSON (or the text).
 */
export async function call(
  url: string,
  opts: { method?: string; token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const method = opts.method ?? (body !== undefined ? 'POST' : 'GET');
  const { status, resHeaders, text } = await new Promise<{ status: number; resHeaders: Headers; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, resHeaders: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  // Every answer of a bridge is checked against the OpenAPI document (test/support/recorder.ts).
  record({ method, url, status, contentType: resHeaders.get('content-type') ?? '', text });
  return { status, body: parsed, headers: resHeaders, text };
}

/**
 * Polls `probe` until it returns something truthy, and returns it; fails naming `what` after `timeoutMs`
 * (generous: the machine is shared, and a result that arrives late is still correct).
 */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
