import { expect } from 'chai';
import type { AccountConfig } from '../../src/config/types.js';
import { keys } from '../../src/domain/keys.js';
import { sharedLink } from '../../src/domain/sharedLink.js';
import type { InterviewRecord } from '../../src/domain/types.js';
import { toHttp } from '../../src/http/errorMiddleware.js';
import { createStore } from '../../src/store/index.js';
import type { ShareLink, Upstream } from '../../src/upstreams/types.js';

const account = { id: 'acme' } as AccountConfig;
const record = (over: Partial<InterviewRecord> = {}): InterviewRecord =>
  ({ id: 'id1', accountId: 'acme', upstreamId: 'up1', phase: 'invited', candidate: { firstName: 'A', lastName: 'B', email: 'a@b.c' }, current: { status: 'completed', results_url: 'x' }, ...over }) as InterviewRecord;

async function setup(link: ShareLink, now: Date) {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  let calls = 0;
  const upstream = { shareLink: async () => (calls++, link) } as unknown as Upstream;
  const deps = { store, upstreamFor: () => upstream, shareDaysFor: () => 365, now: () => now };
  return { store, deps, calls: () => calls };
}

describe('shared link', () => {
  it('a link with a lifetime answers ttl in whole days left, and is reused while more than a day is left', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const { store, deps, calls } = await setup({ url: 'https://s/1', ttl: 365, ttlUnits: 'days' }, t0);
    await store.set(keys.interview('id1'), record());
    expect(await sharedLink(deps, account, record())).to.deep.equal({ url: 'https://s/1', ttl: '365', ttl_units: 'days' });
    const stored = (await store.get<InterviewRecord>(keys.interview('id1')))!;
    deps.now = () => new Date(t0.getTime() + 10.5 * 24 * 3600 * 1000);
    expect(await sharedLink(deps, account, stored)).to.deep.equal({ url: 'https://s/1', ttl: '354', ttl_units: 'days' });
    expect(calls()).to.equal(1);
    await store.close();
  });

  it('a permanent upstream link (no ttl) answers just the url', async () => {
    const { store, deps } = await setup({ url: 'https://card/9' }, new Date());
    await store.set(keys.interview('id1'), record());
    expect(await sharedLink(deps, account, record())).to.deep.equal({ url: 'https://card/9' });
    await store.close();
  });

  it('a link with under a day left is replaced by a fresh one', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const { store, deps, calls } = await setup({ url: 'https://s/new', ttl: 365, ttlUnits: 'days' }, t0);
    const old = record({ share: { url: 'https://s/old', createdAt: '2025-01-01T12:00:00Z', days: 365 } });
    await store.set(keys.interview('id1'), old);
    expect(await sharedLink(deps, account, old)).to.deep.equal({ url: 'https://s/new', ttl: '365', ttl_units: 'days' });
    expect(calls()).to.equal(1);
    await store.close();
  });

  it('a pending interview has no link: 404 saying why', async () => {
    const { store, deps } = await setup({ url: 'x' }, new Date());
    try {
      await sharedLink(deps, account, record({ current: { status: 'pending' } }));
      expect.fail('should throw');
    } catch (err) {
      expect(toHttp(err).status).to.equal(404);
      expect((err as Error).message).to.equal('No shared link: the interview is pending, and links exist only for completed interviews');
    }
    await store.close();
  });
});
