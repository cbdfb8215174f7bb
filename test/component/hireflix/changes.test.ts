import { expect } from 'chai';
import { POSITION, T0, inviteInput, startHarness, type Harness } from '../../support/hireflix.js';

describe('Hireflix listChangedSince', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** Invites `perPosition` candidates into each open position, one minute apart, and returns their ids. */
  async function seed(perPosition: number): Promise<string[]> {
    const ids: string[] = [];
    for (const templateId of [POSITION.support, POSITION.backend, POSITION.sales]) {
      for (let n = 0; n < perPosition; n++) {
        h.advance(60_000);
        ids.push((await h.upstream.invite(inviteInput(`${templateId}-${n}`, undefined, templateId))).upstreamId);
      }
    }
    return ids;
  }

  function requests(): number {
    return h.sandbox.state.stats.requests;
  }

  it('returns only the interviews changed at or after `since`, with their external ids and times', async () => {
    h = await startHarness();
    const ids = await seed(4);
    h.advance(3_600_000);
    const since = new Date(h.clock.now);
    const [a = '', b = ''] = [ids[1], ids[9]];
    h.advance(1000);
    await h.control.post(`/interviews/${a}/finish`);
    h.advance(1000);
    await h.control.post(`/interviews/${b}/score`, { score: 3 });

    const hints = await h.upstream.listChangedSince(since);
    expect(hints).to.deep.equal([
      { upstreamId: a, externalId: `${POSITION.support}-1`, changedAt: new Date(since.getTime() + 1000).toISOString() },
      { upstreamId: b, externalId: `${POSITION.sales}-1`, changedAt: new Date(since.getTime() + 2000).toISOString() },
    ]);
  });

  it('costs one positions call plus one page per open position, however many interviews exist', async () => {
    h = await startHarness();
    await seed(2);
    h.advance(60_000);
    const since = new Date(h.clock.now);
    let before = requests();
    expect(await h.upstream.listChangedSince(since)).to.deep.equal([]);
    const withFew = requests() - before;

    await seed(25);
    h.advance(60_000);
    const later = new Date(h.clock.now);
    before = requests();
    expect(await h.upstream.listChangedSince(later)).to.deep.equal([]);
    expect(withFew).to.equal(4);
    expect(requests() - before).to.equal(4);
  });

  it('pages further only as changes grow (page size 2)', async () => {
    h = await startHarness({}, { pageSize: 2 });
    const ids = await seed(6);
    h.advance(60_000);
    const since = new Date(h.clock.now);
    const supportIds = ids.slice(0, 6);
    for (const id of supportIds.slice(0, 5)) {
      h.advance(1000);
      await h.control.post(`/interviews/${id}/discard`);
    }
    const before = requests();
    const hints = await h.upstream.listChangedSince(since);
    expect(hints.map((x) => x.upstreamId)).to.deep.equal(supportIds.slice(0, 5).reverse());
    // positions + support: 3 pages (2+2+1 changed, stops at the 6th) + one page each for backend and sales
    expect(requests() - before).to.equal(1 + 3 + 1 + 1);
  });

  it('stops on an empty page when every interview changed', async () => {
    h = await startHarness({ positions: [{ id: 'p1', name: 'Only position' }] }, { pageSize: 2 });
    for (let n = 0; n < 4; n++) {
      h.advance(1000);
      await h.upstream.invite(inviteInput(`all-${n}`, undefined, 'p1'));
    }
    const before = requests();
    expect(await h.upstream.listChangedSince(new Date(T0))).to.have.length(4);
    expect(requests() - before).to.equal(1 + 3);
  });
});
