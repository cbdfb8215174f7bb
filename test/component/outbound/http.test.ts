import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { MAX_RETRY_AFTER_MS, OutboundFailure, USER_AGENT, createHttpClient, parseRetryAfter } from '../../../src/outbound/http.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  // The cases once kept by the callback client and the Hireflix transport, now one parser's.
  const cases: Array<[name: string, input: unknown, expected: number | undefined]> = [
    ['zero seconds', '0', 0],
    ['seconds', '120', 120_000],
    ['seconds with spaces', ' 5 ', 5000],
    ['HTTP date in the future', 'Wed, 01 Jan 2025 00:02:00 GMT', 120_000],
    ['HTTP date in the past', 'Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['HTTP date, seconds apart', 'Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['RFC 850 date', 'Wednesday, 01-Jan-25 00:01:00 GMT', 60_000],
    ['negative', '-5', undefined],
    ['fraction', '1.5', undefined],
    ['garbage', 'soon', undefined],
    ['garbage after a day name', 'Wed, tomorrow maybe', undefined],
    ['a date without a day name', '2025-01-01T00:02:00Z', undefined],
    ['empty', '', undefined],
    ['missing', undefined, undefined],
    ['not a string', 120, undefined],
    ['huge seconds', '99999999999999999999999', MAX_RETRY_AFTER_MS],
    ['two days', String(2 * 86_400), MAX_RETRY_AFTER_MS],
    ['a date years ahead', 'Fri, 01 Jan 2100 00:00:00 GMT', MAX_RETRY_AFTER_MS],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(input)} -> ${String(expected)}`, () => {
      expect(parseRetryAfter(input, now)).to.equal(expected);
    });
  }

  it('counts from now when no time is given', () => {
    expect(parseRetryAfter('7')).to.equal(7000);
  });
});

describe('createHttpClient', () => {
  let server: Server;
  let url: string;
  let seen: Array<{ method?: string; headers: Record<string, unknown> }> = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method, headers: req.headers });
      if (req.url === '/redirect') return void res.writeHead(302, { Location: 'http://example.com/' }).end();
      if (req.url === '/big') return void res.end('x'.repeat(10_000));
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      res.writeHead(429, { 'Retry-After': '3' }).end('{"ok":false}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('answers every status with its headers and text, sending the package User-Agent', async () => {
    const res = await createHttpClient({ timeoutMs: 2000 }).request({ method: 'GET', url: `${url}/x` });
    expect(res.status).to.equal(429);
    expect(res.header('retry-after')).to.equal('3');
    expect(res.text).to.equal('{"ok":false}');
    expect(USER_AGENT).to.match(/^workable-video-bridge\/\d+\.\d+\.\d+/);
    expect(seen[0]?.headers['user-agent']).to.equal(USER_AGENT);
  });

  it('never follows a redirect', async () => {
    const res = await createHttpClient({ timeoutMs: 2000 }).request({ method: 'GET', url: `${url}/redirect` });
    expect(res.status).to.equal(302);
    expect(seen).to.have.length(1);
  });

  it('a text answer past maxBodyBytes is a too_large failure; a discarded one is not', async () => {
    const err = await createHttpClient({ timeoutMs: 2000, maxBodyBytes: 1000 })
      .request({ method: 'GET', url: `${url}/big` })
      .then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(OutboundFailure);
    expect((err as OutboundFailure).kind).to.equal('too_large');
    const res = await createHttpClient({ timeoutMs: 2000, body: 'discard', maxBodyBytes: 1000 }).request({ method: 'GET', url: `${url}/big` });
    expect(res.status).to.equal(200);
    expect(res.text).to.equal(undefined);
  });

  it('maps a timeout, a refused connection and a guarded address to typed failures', async () => {
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as OutboundFailure);
    const slow = await failure(createHttpClient({ timeoutMs: 200 }).request({ method: 'GET', url: `${url}/slow` }));
    expect([slow?.kind, slow?.message]).to.deep.equal(['timeout', 'timeout after 200 ms']);
    const refused = await failure(createHttpClient({ timeoutMs: 2000 }).request({ method: 'GET', url: 'http://127.0.0.1:1/' }));
    expect([refused?.kind, refused?.code]).to.deep.equal(['unreachable', 'ECONNREFUSED']);
    const addressGuard = (_host: string, _opts: object, cb: (err: NodeJS.ErrnoException | null, address: string, family?: number) => void): void =>
      cb(Object.assign(new Error('callback host x resolves to a forbidden address'), { code: 'EFORBIDDENADDRESS' }), '');
    const guarded = await failure(createHttpClient({ timeoutMs: 2000, addressGuard }).request({ method: 'GET', url: `http://localhost:${new URL(url).port}/` }));
    expect(guarded?.kind).to.equal('forbidden_address');
    expect(seen).to.have.length(1);
  });

  it('noProxy ignores HTTP_PROXY from the environment: the request goes to the target, the proxy sees nothing', async () => {
    const proxied: string[] = [];
    const proxy = createServer((req, res) => {
      proxied.push(req.url ?? '');
      res.end('via proxy');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    Object.assign(process.env, { HTTP_PROXY: proxyUrl, http_proxy: proxyUrl });
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const direct = await createHttpClient({ timeoutMs: 2000, noProxy: true }).request({ method: 'GET', url: `${url}/x` });
      expect([direct.status, proxied]).to.deep.equal([429, []]);
      expect(seen).to.have.length(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
