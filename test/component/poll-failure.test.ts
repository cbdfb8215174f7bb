/**
 * A poll that fails is reported as a failure: POST /ops/poll answers `{accountId, failed: true, error}` for
 * the account whose upstream cannot be reached, beside the other accounts' cycles, and the answer matches
 * the OpenAPI document (checked by the recorder like every call()).
 */
import { expect } from 'chai';
import { call, startHarness, type Harness } from '../support/harness.js';

describe('POST /ops/poll with one upstream down (sqlite store)', function () {
  this.timeout(20_000);
  let h: Harness;
  before(async () => {
    // Acme's adapter talks to a port nothing listens on; Globex's to its sandbox.
    h = await startHarness('sqlite', { webhooks: false, endpointFor: async (a) => (a.id === 'acme' ? 'http://127.0.0.1:9/me' : `${a.sandboxUrl}/me`) });
  });
  after(async () => h?.close());

  it('the failed account is a failure with its reason; the other account polled as usual', async () => {
    const res = await call(`${h.url}/ops/poll`, { method: 'POST' });
    expect(res.status).to.equal(200);
    const polls = (res.body as { polls: Array<Record<string, unknown>> }).polls;
    expect(polls).to.have.length(2);
    const acme = polls.find((p) => p.accountId === 'acme')!;
    expect(acme).to.have.keys(['accountId', 'failed', 'error']);
    expect(acme.failed).to.equal(true);
    expect(acme.error).to.match(/^Hireflix could not be reached while .+ \(ECONNREFUSED\)$/);
    const globex = polls.find((p) => p.accountId === 'globex')!;
    expect(globex).to.include({ skipped: false });
    expect(globex).to.not.have.property('failed');
    // Logged with the error itself, so its type and stack survive (not only its message).
    const line = h.logs.find((l) => l.msg === 'poll failed; next cycle will retry' && l.accountId === 'acme') as { err?: { type?: string; message?: string; stack?: string } } | undefined;
    expect(line?.err?.message).to.equal(acme.error);
    expect(line?.err?.type).to.be.a('string');
    expect(line?.err?.stack).to.include('\n    at ');
  });

  it('the run is recorded through the job registry as a failed poll with trigger "ops", and a clean run as ok', async () => {
    const metric = async (labels: string): Promise<number> => {
      const text = (await call(`${h.url}/metrics`)).text;
      const m = new RegExp(`^wvb_job_runs_total\\{${labels}\\} (\\d+)$`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await metric('job="poll",trigger="ops",outcome="failed"');
    await call(`${h.url}/ops/poll?account=acme`, { method: 'POST' });
    expect(await metric('job="poll",trigger="ops",outcome="failed"')).to.equal(before + 1);
    const ok = await metric('job="poll",trigger="ops",outcome="ok"');
    await call(`${h.url}/ops/poll?account=globex`, { method: 'POST' });
    expect(await metric('job="poll",trigger="ops",outcome="ok"')).to.equal(ok + 1);
    expect(await metric('job="expire",trigger="ops",outcome="ok"')).to.equal(0);
    await call(`${h.url}/ops/expire`, { method: 'POST' });
    expect(await metric('job="expire",trigger="ops",outcome="ok"')).to.equal(1);
  });
});
