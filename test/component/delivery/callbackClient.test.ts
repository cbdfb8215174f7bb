import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { withoutAnswer } from '../../../src/workable/answerReason.js';
import { createCallbackClient } from '../../../src/workable/callbackClient.js';
import type { WorkableResult } from '../../../src/workable/payload.js';
import { closedPortUrl, startReceiver, type Receiver } from '../../support/receiver.js';

const TOKEN = 'wk-secret-token-5f3a9c';
const result: WorkableResult = {
  status: 'completed',
  results_url: 'https://bridge.example/interviews/abc',
  interview: { score: '87', grade: 'excelled', duration: '00:12:31', details: { q1: 'yes', nested: { a: 1 } } },
};

describe('callback client', () => {
  let receiver: Receiver;
  const client = createCallbackClient({ timeoutMs: 400, userAgent: 'bridge-test/1.0' });

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('PUTs the JSON body with the bearer token, content type and user agent', async () => {
    const outcome = await client.put(`${receiver.url}/interviews/8823119`, TOKEN, result);
    expect(outcome.kind).to.equal('delivered');
    expect(outcome.status).to.equal(200);
    expect(receiver.requests).to.have.length(1);
    const [req] = receiver.requests;
    expect(req?.method).to.equal('PUT');
    expect(req?.path).to.equal('/interviews/8823119');
    expect(req?.headers['authorization']).to.equal(`Bearer ${TOKEN}`);
    expect(req?.headers['content-type']).to.equal('application/json');
    expect(req?.headers['user-agent']).to.equal('bridge-test/1.0');
    expect(req?.body).to.equal(JSON.stringify(result));
    expect(JSON.parse(req?.body ?? '')).to.deep.equal(result);
  });

  const table: Array<[status: number, kind: string]> = [
    [200, 'delivered'], [201, 'delivered'], [204, 'delivered'], [409, 'conflict'],
    [500, 'retry'], [502, 'retry'], [503, 'retry'], [429, 'retry'], [408, 'retry'],
    [400, 'dead'], [401, 'dead'], [403, 'dead'], [404, 'dead'], [422, 'dead'], [410, 'dead'], [304, 'dead'],
  ];
  for (const [status, kind] of table) {
    it(`classifies HTTP ${status} as ${kind}`, async () => {
      receiver.respond = () => ({ status });
      const outcome = await client.put(`${receiver.url}/cb`, TOKEN, result);
      expect(outcome.kind).to.equal(kind);
      expect(outcome.status).to.equal(status);
      expect(outcome.durationMs).to.be.a('number').and.at.least(0);
    });
  }

  // Was: a 300-character snippet of the body (names, share links) in the reason; now status and class only.
  const answers: Array<[status: number, kind: string, error: string]> = [
    [401, 'dead', 'HTTP 401 (Unauthorized)'],
    [422, 'dead', 'HTTP 422 (Unprocessable Entity)'],
    [404, 'dead', 'HTTP 404 (Not Found)'],
    [503, 'retry', 'HTTP 503 (Service Unavailable)'],
    [599, 'retry', 'HTTP 599'],
  ];
  for (const [status, kind, error] of answers) {
    it(`keeps nothing of Workable's answer to a ${status}: the reason is "${error}"`, async () => {
      const body = `{"status":${status},"message":"Lakita Marrero (785)991-6256 https://groove-tech.workable.com/share/abc ${TOKEN}"}`;
      receiver.respond = () => ({ status, body });
      const outcome = await client.put(`${receiver.url}/cb`, TOKEN, result);
      expect(outcome).to.include({ kind, status, error });
    });
  }

  it('keeps only the host of a redirect target (its path may be a share link)', () => {
    expect(withoutAnswer('HTTP 302: redirect to https://groove-tech.workable.com/share/s3cr3t?x=1 not followed')).to.equal('HTTP 302: redirect to groove-tech.workable.com not followed');
    expect(withoutAnswer('HTTP 301: redirect to /elsewhere/s3cr3t not followed')).to.equal('HTTP 301: redirect to (a relative location) not followed');
  });

  it('reasons recorded before answers were dropped are shown without the answer', () => {
    expect(withoutAnswer('HTTP 401: {"status":401,"message":"Invalid Token for Lakita"}')).to.equal('HTTP 401 (Unauthorized)');
    expect(withoutAnswer('HTTP 422: ')).to.equal('HTTP 422 (Unprocessable Entity)');
    for (const kept of ['HTTP 401 (Unauthorized)', 'timeout after 400 ms', 'gave up after 12 attempts over 3 days', 'refused by callback policy: callback_url should use an allowed port (443)']) {
      expect(withoutAnswer(kept)).to.equal(kept);
    }
  });

  describe('a 2xx is a delivery whatever its body; at most a few KB of it are read', () => {
    let big: http.Server;
    let bigUrl: string;
    const sent = { bytes: 0 };
    before(async () => {
      big = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': req.url === '/html' ? 'text/html' : 'application/json' });
          const chunk = Buffer.alloc(16 * 1024, 'x');
          if (req.url === '/two-mb' || req.url === '/html') {
            res.end(Buffer.alloc(2 * 1024 * 1024, req.url === '/html' ? '<' : '{'));
            return;
          }
          // Never ends: 16 KB whenever the socket takes it, until the client goes away.
          const pump = (): void => {
            while (!res.destroyed && res.write(chunk)) sent.bytes += chunk.length;
            if (!res.destroyed) res.once('drain', pump);
          };
          res.on('close', () => undefined);
          pump();
        });
      });
      await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
      bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    });
    after(async () => {
      big.closeAllConnections();
      await new Promise((r) => big.close(r));
    });

    for (const path of ['/two-mb', '/html', '/endless']) {
      it(`${path}: delivered, quickly, without reading the body`, async () => {
        const slow = createCallbackClient({ timeoutMs: 5000, userAgent: 'bridge-test/1.0' });
        const started = Date.now();
        const outcome = await slow.put(`${bigUrl}${path}`, TOKEN, result);
        expect(outcome).to.deep.include({ kind: 'delivered', status: 200 });
        expect(outcome.error).to.equal(undefined);
        expect(Date.now() - started).to.be.below(2000);
      });
    }

    it('a 2xx whose body trickles and never ends is delivered within the grace, not at the timeout', async () => {
      receiver.respond = () => ({ status: 200 });
      const trickle = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{');
          const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 100);
        });
      });
      await new Promise<void>((r) => trickle.listen(0, '127.0.0.1', () => r()));
      try {
        const slow = createCallbackClient({ timeoutMs: 8000, userAgent: 'bridge-test/1.0' });
        const started = Date.now();
        const outcome = await slow.put(`http://127.0.0.1:${(trickle.address() as AddressInfo).port}/cb`, TOKEN, result);
        expect(outcome).to.deep.include({ kind: 'delivered', status: 200 });
        expect(Date.now() - started).to.be.within(800, 3000);
      } finally {
        trickle.closeAllConnections();
        await new Promise((r) => trickle.close(r));
      }
    });
  });

  it('reads Retry-After given in seconds', async () => {
    receiver.respond = () => ({ status: 429, headers: { 'Retry-After': '120' } });
    const outcome = await client.put(`${receiver.url}/cb`, TOKEN, result);
    expect(outcome).to.include({ kind: 'retry', status: 429, retryAfterMs: 120_000 });
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 90_000).toUTCString();
    receiver.respond = () => ({ status: 503, headers: { 'Retry-After': at } });
    const outcome = await client.put(`${receiver.url}/cb`, TOKEN, result);
    expect(outcome.kind).to.equal('retry');
    // HTTP dates have whole-second precision, so the delay lands within a second below 90 s.
    expect(outcome.retryAfterMs).to.be.within(88_000, 90_000);
  });

  it('does not follow a redirect, which would carry the token elsewhere, and dead-letters it', async () => {
    receiver.respond = (req) =>
      req.path === '/moved' ? { status: 302, headers: { Location: `${receiver.url}/elsewhere` } } : { status: 200 };
    const outcome = await client.put(`${receiver.url}/moved`, TOKEN, result);
    expect(outcome).to.include({ kind: 'dead', status: 302 });
    expect(outcome.error).to.equal(`HTTP 302: redirect to ${new URL(receiver.url).host} not followed`);
    expect(receiver.hits('/elsewhere')).to.have.length(0);
    expect(receiver.requests).to.have.length(1);
  });

  it('gives up on a slow receiver at the timeout and asks for a retry', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 1500 });
    const outcome = await client.put(`${receiver.url}/slow`, TOKEN, result);
    expect(outcome.kind).to.equal('retry');
    expect(outcome.status).to.equal(undefined);
    expect(outcome.error).to.equal('timeout after 400 ms');
    expect(outcome.durationMs).to.be.within(350, 1200);
  });

  it('asks for a retry when nothing listens on the port, without leaking the token', async () => {
    const outcome = await client.put(`${await closedPortUrl()}/cb`, TOKEN, result);
    expect(outcome.kind).to.equal('retry');
    expect(outcome.error).to.match(/^ECONNREFUSED: /);
    expect(outcome.error).not.to.include(TOKEN);
  });

  it('dead-letters a URL refused by the callback policy without calling it', async () => {
    const strict = createCallbackClient({
      timeoutMs: 400,
      userAgent: 'bridge-test/1.0',
      checkUrl: async (url) => {
        throw new Error(`host of ${url} is not allowed`);
      },
    });
    const outcome = await strict.put(`${receiver.url}/cb`, TOKEN, result);
    expect(outcome.kind).to.equal('dead');
    expect(outcome.error).to.equal(`refused by callback policy: host of ${receiver.url}/cb is not allowed`);
    expect(receiver.requests).to.have.length(0);
  });

  it('dead-letters an unparseable or non-HTTP callback URL', async () => {
    expect((await client.put('not a url', TOKEN, result)).error).to.equal('callback_url is not a valid URL');
    expect((await client.put('ftp://example.com/x', TOKEN, result)).kind).to.equal('dead');
  });
});
