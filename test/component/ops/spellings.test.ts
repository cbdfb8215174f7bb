/**
 * Operator auth by route, not by path text (issue 10, finding 1): every spelling of every operator route,
 * with and without the ops token, from loopback and through a proxy header. The router matches exactly
 * (case-sensitive, strict) and the guard sits on the routes, so an odd spelling is an unknown route (404
 * with the contract body) and is never served, with or without the token.
 */
import { connect } from 'node:net';
import { expect } from 'chai';
import { startOpsBridge } from '../../support/opsBridge.js';
import type { OpsBridge } from '../../support/opsBridge.js';

const FAKE_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const OPS_TOKEN = 'ops-token-spellings-4b1d9e7a';

/** The operator routes as the router knows them, and what the ops token gets from each. */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; served: { status: number; body?: unknown } }> = [
  { method: 'GET', path: '/metrics', served: { status: 200 } },
  { method: 'POST', path: '/ops/poll', served: { status: 200 } },
  { method: 'POST', path: '/ops/deliver', served: { status: 200, body: { attempted: 0, delivered: 0, retried: 0, dead: 0, skipped: 0 } } },
  { method: 'POST', path: '/ops/reconcile', served: { status: 200, body: { reconciled: 0, enqueued: 0, failed: 0, skipped: 0 } } },
  { method: 'POST', path: '/ops/expire', served: { status: 200, body: { marked: 0 } } },
  { method: 'POST', path: `/ops/interviews/${FAKE_ID}/expire`, served: { status: 404, body: { status: 404, message: 'Interview not found' } } },
];

/** Spellings the router must route like the path itself (query strings are not part of the path). */
const SAME = (p: string): string[] => [p, `${p}?`, `${p}?x=1`];

/** Spellings that are other paths: each must be an unknown route. */
function others(p: string): string[] {
  const segs = p.split('/').filter(Boolean);
  const first = segs[0]!;
  const enc = (s: string) => `%${s.charCodeAt(0).toString(16).toUpperCase()}${s.slice(1)}`;
  const last = segs.length - 1;
  return [
    p.toUpperCase(),
    `/${segs.map((s) => s[0]!.toUpperCase() + s.slice(1)).join('/')}`,
    `/${first.toUpperCase()}/${segs.slice(1).join('/')}`.replace(/\/$/, ''),
    `${p}/`,
    `${p}//`,
    `/${p}`,
    p.replace(/\/([^/]*)$/, '//$1'),
    `/${enc(first)}${segs.length > 1 ? `/${segs.slice(1).join('/')}` : ''}`,
    `/${segs.slice(0, last).concat(enc(segs[last]!)).join('/')}`,
    `/${segs.slice(0, last).concat(segs[last]!.toLowerCase().replace(/[a-z]/, (ch) => `%${ch.charCodeAt(0).toString(16)}`)).join('/')}`,
    segs.length > 1 ? `/${segs.join('%2F')}` : `${p}%2F`,
    `/x/..${p}`,
    `/.${p}`,
    `${p}/.`,
    `${p};x`,
    `${p}%20`,
    `${p}.`,
    `${p}%00`,
  ];
}

/** One request over a bare socket: the request target goes out byte for byte (no client normalises it). */
function raw(url: string, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(all)?.[1] ?? 0);
      const head = all.slice(0, all.indexOf('\r\n\r\n'));
      let text = all.slice(head.length + 4);
      if (/\r\ntransfer-encoding: chunked/i.test(head)) text = text.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      resolve({ status, body, text });
    });
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${u.host}`, 'Connection: close', 'Content-Length: 0', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const ORIGINS: Array<[string, Record<string, string>]> = [
  ['loopback', {}],
  ['via X-Forwarded-For', { 'x-forwarded-for': '198.51.100.4' }],
  ['via Forwarded', { forwarded: 'for=198.51.100.4;proto=https' }],
];

describe('operator routes: every spelling, with and without the ops token', function () {
  this.timeout(120_000);

  describe('with OPS_TOKEN set', () => {
    let b: OpsBridge;
    before(async () => {
      b = await startOpsBridge({ env: { OPS_TOKEN }, logLevel: 'warn' });
      // The table sends well over the failed-login allowance on purpose; it is not what is tested here.
      b.bridge.container.authLimiter.configure({ maxFailures: 1_000_000 });
    });
    after(() => b.close());

    for (const route of ROUTES) {
      for (const [origin, proxy] of ORIGINS) {
        it(`${route.method} ${route.path} ${origin}: served only to the token, and only as routed`, async () => {
          for (const method of route.method === 'GET' ? ['GET', 'HEAD'] : ['POST']) {
            for (const path of SAME(route.path)) {
              const anon = await raw(b.url, method, path, proxy);
              expect(anon.status, `${method} ${path} without a token`).to.equal(401);
              if (method !== 'HEAD') expect(anon.body, `${method} ${path}`).to.deep.equal({ status: 401, message: 'Missing Token' });
              const wrong = await raw(b.url, method, path, { ...proxy, authorization: 'Bearer not-the-ops-token' });
              expect(wrong.status, `${method} ${path} with a wrong token`).to.equal(401);
              if (method !== 'HEAD') expect(wrong.body).to.deep.equal({ status: 401, message: 'Invalid Token' });
              const ok = await raw(b.url, method, path, { ...proxy, authorization: `Bearer ${OPS_TOKEN}` });
              expect(ok.status, `${method} ${path} with the token`).to.equal(route.served.status);
              if (route.served.body !== undefined && method !== 'HEAD') expect(ok.body).to.deep.equal(route.served.body);
              if (route.path === '/metrics' && method === 'GET') expect(ok.text).to.contain('# TYPE wvb_http_requests_total counter');
            }
            for (const path of others(route.path)) {
              for (const auth of [{}, { authorization: `Bearer ${OPS_TOKEN}` }, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
                const res = await raw(b.url, method, path, { ...proxy, ...auth });
                const label = `${method} ${path} ${'authorization' in auth ? 'with a token' : 'without a token'}`;
                expect(res.status, label).to.equal(404);
                if (method !== 'HEAD') {
                  expect(res.body, label).to.have.all.keys('status', 'message');
                  expect((res.body as { status: number }).status, label).to.equal(404);
                  expect((res.body as { message: string }).message, label).to.match(/^Not Found: no route /);
                }
              }
            }
          }
        });
      }
    }

    it('a wrong method on an operator route: 401 without the token, 405 with Allow only behind it', async () => {
      const anon = await raw(b.url, 'GET', '/ops/poll', {});
      expect(anon.status).to.equal(401);
      expect(anon.body).to.deep.equal({ status: 401, message: 'Missing Token' });
      const authed = await raw(b.url, 'DELETE', '/metrics', { authorization: `Bearer ${OPS_TOKEN}` });
      expect(authed.status).to.equal(405);
      expect(authed.body).to.deep.equal({ status: 405, message: 'Method Not Allowed' });
    });

    it('Workable, webhook and report routes: exact spellings work, changed ones are the contract 404, never a 500', async () => {
      const auth = { authorization: `Bearer ${b.token}` };
      const templates = await raw(b.url, 'GET', '/interview-templates', auth);
      expect(templates.status).to.equal(200);
      expect(templates.body).to.have.key('interview_templates');
      const unknown = await raw(b.url, 'GET', `/interviews/${FAKE_ID}`, auth);
      expect(unknown.body).to.deep.equal({ status: 404, message: 'Interview not found' });
      const created = await raw(b.url, 'POST', '/interviews', { ...auth, 'content-type': 'application/json' });
      expect(created.body).to.deep.equal({ status: 400, message: 'Invalid JSON' });
      const cases: Array<[string, string]> = [
        ['GET', '/Interview-Templates'], ['GET', '/interview-templates/'], ['GET', '/INTERVIEW-TEMPLATES'], ['GET', '//interview-templates'],
        ['POST', '/Interviews'], ['POST', '/interviews/'], ['GET', `/Interviews/${FAKE_ID}`], ['GET', `/interviews/${FAKE_ID}/`],
        ['GET', `/interviews/${FAKE_ID}/Shared-Link`], ['GET', `/interviews/${FAKE_ID}/shared-link/`], ['GET', '/%69nterview-templates'],
        ['POST', '/Webhooks/hireflix/acme'], ['POST', '/webhooks/hireflix/acme/'], ['GET', '/Reports/x.pdf'], ['GET', '/Healthz'], ['GET', '/readyz/'],
      ];
      for (const [method, path] of cases) {
        const res = await raw(b.url, method, path, auth);
        expect(res.status, `${method} ${path}`).to.equal(404);
        expect(res.body, `${method} ${path}`).to.deep.equal({ status: 404, message: `Not Found: no route ${method} ${path}` });
      }
    });

    it('an absolute-form request target is routed (and guarded) by its path', async () => {
      const host = new URL(b.url).host;
      expect((await raw(b.url, 'GET', `http://${host}/metrics`, {})).status).to.equal(401);
      expect((await raw(b.url, 'GET', `http://${host}/METRICS`, {})).status).to.equal(404);
      expect((await raw(b.url, 'POST', `http://${host}/OPS/poll`, {})).status).to.equal(404);
      expect((await raw(b.url, 'GET', `http://${host}/metrics`, { authorization: `Bearer ${OPS_TOKEN}` })).status).to.equal(200);
    });
  });

  describe('without OPS_TOKEN: loopback only, and only the exact routes', () => {
    let b: OpsBridge;
    before(async () => {
      b = await startOpsBridge({ logLevel: 'warn' });
    });
    after(() => b.close());

    for (const route of ROUTES) {
      it(`${route.method} ${route.path}: served to direct loopback requests only`, async () => {
        for (const path of SAME(route.path)) {
          const local = await raw(b.url, route.method, path, {});
          expect(local.status, `${path} from loopback`).to.equal(route.served.status);
          for (const [, proxy] of ORIGINS.slice(1)) {
            const relayed = await raw(b.url, route.method, path, proxy);
            expect(relayed.status, `${path} relayed`).to.equal(404);
            expect(relayed.body).to.deep.equal({ status: 404, message: `Not Found: no route ${route.method} ${route.path}` });
          }
        }
        for (const path of others(route.path)) {
          const res = await raw(b.url, route.method, path, {});
          expect(res.status, path).to.equal(404);
          expect((res.body as { message: string }).message, path).to.match(/^Not Found: no route /);
        }
      });
    }
  });
});
