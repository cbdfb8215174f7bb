/**
 * Issue 10, finding 4: bounded unauthenticated webhook input. Bodies over webhooks.max_body_bytes are refused
 * with 413 before they are buffered (a declared Content-Length at once, a chunked body when it passes the
 * cap), a stalled body gets 408, and after bad_signature_limit bad signatures for an account further
 * unsigned or badly signed webhooks for it get 429 while correctly signed ones are still accepted.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { expect } from 'chai';
import { signHireflixBody } from '../../src/upstreams/hireflix/webhook.js';
import { call, startHarness, STORE_KINDS } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { sample, startOpsBridge } from '../support/opsBridge.js';
import type { OpsBridge } from '../support/opsBridge.js';
import { record } from '../support/recorder.js';

const EVENT = readFileSync(new URL('../fixtures/hireflix/webhook-interview-create.json', import.meta.url), 'utf8');

/** Writes `head` (and then `parts`, spaced by `gapMs`) on a bare socket; resolves with what the server sent back and when. */
function rawExchange(url: string, head: string, parts: string[] = [], gapMs = 0): Promise<{ text: string; ms: number; status: number; body: unknown }> {
  const u = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      let body: unknown;
      try {
        body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
      } catch {
        body = undefined;
      }
      const [method = '', path = '/'] = head.split(' ');
      const contentType = /\r\ncontent-type: ([^\r]*)\r\n/i.exec(text)?.[1] ?? '';
      // Checked against the OpenAPI document like every call() answer (test/support/recorder.ts).
      if (status !== 0) record({ method, url: new URL(path, url).href, status, contentType, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
      resolve({ text, ms: Date.now() - started, status, body });
    });
    socket.write(head);
    let i = 0;
    const next = (): void => {
      if (i >= parts.length || socket.destroyed) return;
      socket.write(parts[i++]!, () => setTimeout(next, gapMs));
    };
    next();
  });
}

const TOO_LARGE = { status: 413, message: 'Request body too large: at most 65536 bytes' };

for (const kind of STORE_KINDS) {
  describe(`webhook input limits (${kind} store)`, function () {
    this.timeout(30_000);
    let h: Harness;
    before(async () => {
      h = await startHarness(kind, { webhooks: false, bridgeYaml: 'webhooks: { body_timeout_ms: 700, bad_signature_limit: 5 }' });
      h.bridge.container.logger.level = 'warn';
    });
    after(() => h.close());
    const host = () => new URL(h.url).host;

    it('a declared Content-Length over the cap: 413 at once, before any body byte is sent', async () => {
      const res = await rawExchange(h.url, `POST /webhooks/hireflix/acme HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n`);
      expect(res.status).to.equal(413);
      expect(res.body).to.deep.equal(TOO_LARGE);
      expect(res.text).to.match(/\r\nconnection: close\r\n/i);
      expect(res.ms).to.be.below(2000);
    });

    it('a chunked body is cut off with 413 once it passes the cap', async () => {
      const chunk = 'x'.repeat(16 * 1024);
      const parts = Array.from({ length: 64 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const res = await rawExchange(h.url, `POST /webhooks/hireflix/acme HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, parts, 5);
      expect(res.status).to.equal(413);
      expect(res.body).to.deep.equal(TOO_LARGE);
    });

    it('a body that stalls gets 408 after webhooks.body_timeout_ms', async () => {
      const res = await rawExchange(h.url, `POST /webhooks/hireflix/acme HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"event":`);
      expect(res.status).to.equal(408);
      expect(res.body).to.deep.equal({ status: 408, message: 'Request Timeout: the webhook body did not arrive in time' });
      expect(res.ms).to.be.within(600, 5000);
    });

    it('after 5 bad signatures for an account: 429 for unsigned and bad ones, correctly signed still accepted, others untouched', async () => {
      const post = (account: string, headers: Record<string, string>) =>
        call(`${h.url}/webhooks/hireflix/${account}`, { rawBody: EVENT, headers: { 'content-type': 'application/json', ...headers } });
      for (let i = 0; i < 5; i++) {
        const bad = await post('acme', { 'x-hireflix-signature': signHireflixBody('wrong-secret', EVENT) });
        expect(bad.status).to.equal(401);
        expect(bad.body).to.deep.equal({ status: 401, message: 'Invalid Signature' });
      }
      const limitedBad = await post('acme', { 'x-hireflix-signature': signHireflixBody('wrong-secret', EVENT) });
      expect(limitedBad.status).to.equal(429);
      expect(limitedBad.body).to.deep.equal({ status: 429, message: 'Too many webhooks with a bad signature for this account; retry later' });
      expect(Number(limitedBad.headers.get('retry-after'))).to.be.within(1, 60);
      const unsigned = await post('acme', {});
      expect(unsigned.status).to.equal(429);
      expect(unsigned.body).to.deep.equal({ status: 429, message: 'Too many webhooks with a bad signature for this account; retry later' });
      const signed = await post('acme', { 'x-hireflix-signature': signHireflixBody(h.acme.webhookSecret, EVENT) });
      expect(signed.status).to.equal(200);
      expect(signed.body).to.deep.equal({ status: 200, message: 'Ignored: not an interview created through this bridge' });
      const otherAccount = await post('globex', { 'x-hireflix-signature': signHireflixBody('wrong-secret', EVENT) });
      expect(otherAccount.body).to.deep.equal({ status: 401, message: 'Invalid Signature' });
      const metrics = (await h.bridge.container.metrics.render()).body;
      expect(sample(metrics, 'wvb_webhooks_refused_total{upstream="hireflix",reason="signature_limited"}')).to.equal(2);
      // 5 bad + 1 limited bad (acme) + 1 bad (globex); the unsigned one was refused before any check.
      expect(sample(metrics, 'wvb_webhook_signature_failures_total{upstream="hireflix"}')).to.equal(7);
    });
  });
}

describe('connection and per-client request caps', function () {
  this.timeout(30_000);
  let b: OpsBridge;
  before(async () => {
    b = await startOpsBridge({ serverYaml: 'max_requests_per_client: 3, max_connections: 6', bridgeYaml: 'webhooks: { body_timeout_ms: 4000 }', logLevel: 'warn' });
  });
  after(() => b.close());

  function stalled(): Socket {
    const u = new URL(b.url);
    const s = connect(Number(u.port), u.hostname);
    s.on('error', () => undefined);
    s.write(`POST /webhooks/hireflix/acme HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"event":`);
    return s;
  }

  it('beyond max_requests_per_client requests in progress: 429 with the contract body; health probes still answer', async () => {
    const held = [stalled(), stalled(), stalled()];
    try {
      await new Promise((r) => setTimeout(r, 300));
      const res = await call(`${b.url}/interview-templates`, { token: b.token });
      expect(res.status).to.equal(429);
      expect(res.body).to.deep.equal({ status: 429, message: 'Too many concurrent requests from this client; retry shortly' });
      expect(res.headers.get('retry-after')).to.equal('1');
      expect((await call(`${b.url}/healthz`)).body).to.deep.equal({ status: 'ok' });
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(`${b.url}/interview-templates`, { token: b.token })).status).to.equal(200);
  });

  it('beyond max_connections a new connection is closed at once without an answer', async () => {
    const u = new URL(b.url);
    const idle = Array.from({ length: 6 }, () => connect(Number(u.port), u.hostname).on('error', () => undefined));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const extra = await rawExchange(b.url, `GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`);
      expect(extra.text).to.equal('');
      expect(extra.ms).to.be.below(2000);
    } finally {
      for (const s of idle) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(`${b.url}/healthz`)).status).to.equal(200);
  });
});
