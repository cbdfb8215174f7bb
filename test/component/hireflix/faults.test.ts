import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createHireflixUpstream } from '../../../src/upstreams/hireflix/index.js';
import { createGraphqlTransport } from '../../../src/upstreams/hireflix/client.js';
import { UpstreamError } from '../../../src/upstreams/types.js';
import { startHarness, type Harness } from '../../support/hireflix.js';

async function failureOf(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected an UpstreamError');
}

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Hireflix adapter failures', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('maps a 429 to rate_limited with Retry-After in milliseconds, then recovers', async () => {
    h = await startHarness();
    await h.control.post('/faults', { mode: 'rate_limit', count: 1, retryAfterSeconds: 17 });
    const err = await failureOf(h.upstream.listTemplates());
    expect(err.failure).to.equal('rate_limited');
    expect(err.retryAfterMs).to.equal(17_000);
    expect(err.message).to.equal('Hireflix rate-limited listing positions (retry after 17 s)');
    expect(await h.upstream.listTemplates()).to.have.length(3);
  });

  it('maps a 503 to unavailable for the next n calls only', async () => {
    h = await startHarness();
    await h.control.post('/faults', { mode: 'error', count: 2 });
    expect((await failureOf(h.upstream.listTemplates())).failure).to.equal('unavailable');
    const second = await failureOf(h.upstream.getInterview('64f0c0ffee0000000000beef'));
    expect(second.failure).to.equal('unavailable');
    expect(second.message).to.equal('Hireflix answered HTTP 503 while reading an interview');
    expect(await h.upstream.getInterview('64f0c0ffee0000000000beef')).to.equal(null);
  });

  it('maps a held request to timeout with the operation and the limit in the message', async () => {
    h = await startHarness({}, { timeoutMs: 200 });
    await h.control.post('/faults', { mode: 'timeout', count: 1 });
    const started = Date.now();
    const err = await failureOf(h.upstream.listTemplates());
    expect(err.failure).to.equal('timeout');
    expect(err.message).to.equal('Hireflix did not answer listing positions within 200 ms');
    expect(Date.now() - started).to.be.below(2000);
  });

  it('maps a refused connection to unreachable', async () => {
    h = await startHarness();
    const port = await closedPort();
    const upstream = createHireflixUpstream({ endpoint: `http://127.0.0.1:${port}/me`, apiKey: 'k', timeoutMs: 1000 });
    const err = await failureOf(upstream.listTemplates());
    expect(err.failure).to.equal('unreachable');
    expect(err.message).to.equal('Hireflix could not be reached while listing positions (ECONNREFUSED)');
  });

  it('maps a refused API key to auth and never repeats the key', async () => {
    h = await startHarness();
    const upstream = createHireflixUpstream({ endpoint: `${h.base}/me`, apiKey: 'wrong-secret-key', timeoutMs: 1000 });
    const err = await failureOf(upstream.listTemplates());
    expect(err.failure).to.equal('auth');
    expect(err.message).to.equal('Hireflix refused the API key while listing positions (HTTP 401)');
    expect(JSON.stringify({ ...err, message: err.message })).not.to.contain('wrong-secret-key');
  });

  it('rejects a document the schema does not know, as bad_response naming the field', async () => {
    h = await startHarness();
    const gql = createGraphqlTransport({ endpoint: `${h.base}/me`, apiKey: 'test-key-123', timeoutMs: 1000 });
    const err = await failureOf(gql.request({ name: 'probe', doing: 'probing' }, '{ positions { id nmae } }'));
    expect(err.failure).to.equal('bad_response');
    expect(err.message).to.equal(
      'Hireflix returned GraphQL errors while probing: Cannot query field "nmae" on type "PositionType". Did you mean "name"?',
    );
  });
});
