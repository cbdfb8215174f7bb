/**
 * Methods beside the documented ones: OPTIONS on a known path is 204 with Allow and no body (it was an empty
 * 200 text/plain), a method the bridge does not implement is the contract's JSON 501. Sent with plain fetch:
 * the OpenAPI document describes both in its info text, not as operations.
 */
import { expect } from 'chai';
import { startHarness, type Harness } from '../support/harness.js';

describe('OPTIONS and unknown methods (sqlite store)', function () {
  this.timeout(20_000);
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { webhooks: false });
  });
  after(async () => h?.close());

  it('OPTIONS on a known path: 204, Allow, no body', async () => {
    for (const [path, allow] of [['/interviews', 'POST'], ['/interview-templates', 'GET'], ['/interviews/AAAAAAAAAAAAAAAAAAAAAA', 'GET']] as const) {
      const res = await fetch(`${h.url}${path}`, { method: 'OPTIONS' });
      expect(res.status, path).to.equal(204);
      expect(res.headers.get('allow'), path).to.include(allow);
      expect(await res.text(), path).to.equal('');
    }
  });

  it('OPTIONS on an unknown path is the JSON 404; an unimplemented method the JSON 501', async () => {
    const unknown = await fetch(`${h.url}/nowhere`, { method: 'OPTIONS' });
    expect(unknown.status).to.equal(404);
    expect(await unknown.json()).to.deep.equal({ status: 404, message: 'Not Found: no route OPTIONS /nowhere' });
    const trace = await fetch(`${h.url}/interviews`, { method: 'PROPFIND' });
    expect(trace.status).to.equal(501);
    expect(await trace.json()).to.deep.equal({ status: 501, message: 'Not Implemented' });
  });
});
