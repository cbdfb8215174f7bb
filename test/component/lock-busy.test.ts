import { expect } from 'chai';
import type { Store } from '../../src/store/types.js';
import { call, interviewBody, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { claimsHeldElsewhere } from '../support/overrideStore.js';

const TEMPLATE = '64f0c0ffee00000000000001';

/** Every claim of an interview lock is refused, as if another replica held it the whole time. */
function lockAlwaysHeld(store: Store): Store {
  return claimsHeldElsewhere(store, (key) => key.startsWith('lock:interview:'));
}

describe('POST /interviews while the interview lock stays busy', function () {
  // The invite lock is waited for as long as it may be held: 3 × upstream timeout (2 s) + 5 s.
  this.timeout(40_000);
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { webhooks: false, wrapStore: lockAlwaysHeld });
  });
  after(async () => h.close());

  it('answers 503 with Retry-After and the contract body, not a generic 500', async () => {
    const res = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(TEMPLATE) });
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('2');
    expect(res.body).to.deep.equal({
      status: 503,
      message: 'Service busy: another request for the same interview is in progress; retry shortly',
    });
    // The lock name is for the operator: logged, never sent.
    expect(res.text).to.not.include('lock');
    const warned = h.logs.find((l) => l.msg === 'request failed' && l.status === 503);
    expect(String(warned?.reason)).to.match(/^lock interview:\S+ is busy \(waited \d+ ms\)$/);
  });
});
