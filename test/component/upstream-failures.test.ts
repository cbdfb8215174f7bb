import { expect } from 'chai';
import { STORE_KINDS, call, interviewBody, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { startProxy } from '../support/proxy.js';
import type { SlowProxy } from '../support/proxy.js';

const TEMPLATE = '64f0c0ffee00000000000001';

for (const kind of STORE_KINDS) {
  describe(`upstream failures and idempotency (${kind} store)`, function () {
    this.timeout(30000);
    let h: Harness;
    let proxy: SlowProxy;
    before(async () => {
      h = await startHarness(kind, {
        replicas: kind === 'redis' ? 1 : 0,
        endpointFor: async (a) => {
          if (a.id !== 'acme') return `${a.sandboxUrl}/me`;
          proxy = await startProxy(a.sandboxUrl);
          return `${proxy.url}/me`;
        },
      });
    });
    after(async () => {
      await h.close();
      await proxy.close();
    });
    const fault = (body: unknown) => call(`${h.acme.sandboxUrl}/_sandbox/faults`, { body });
    const invitations = async (email: string) =>
      ((await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as unknown[]).length;

    it('an invitation that timed out after Hireflix created it: 504, then the retry returns the same id and invites no one again', async () => {
      const body = interviewBody(TEMPLATE);
      const email = (body.candidate as { email: string }).email;
      proxy.slow = { match: /inviteCandidateToInterview/, delayMs: 3000, remaining: 1 };
      const first = await call(`${h.url}/interviews`, { token: h.acme.token, body });
      expect(first.status).to.equal(504);
      expect(first.body).to.deep.equal({ status: 504, message: (first.body as { message: string }).message });
      expect((first.body as { message: string }).message).to.match(/^Hireflix did not answer .* within 2000 ms$/);
      expect(await invitations(email)).to.equal(1); // Hireflix did invite
      const retry = await call(`${h.url}/interviews`, { token: h.acme.token, body });
      expect(retry.status).to.equal(201);
      expect(await invitations(email)).to.equal(1);
      const list = (await call(`${h.acme.sandboxUrl}/_sandbox/interviews?email=${encodeURIComponent(email)}`)).body as Array<{ externalId: string }>;
      expect(list[0]!.externalId).to.equal((retry.body as { interview_id: string }).interview_id);
    });

    const failures: Array<[string, unknown, number, RegExp, string | undefined]> = [
      ['answers 5xx', { mode: 'error', count: 1 }, 503, /^Hireflix /, undefined],
      ['throttles with 429 and Retry-After', { mode: 'rate_limit', count: 1, retryAfterSeconds: 7 }, 503, /^Hireflix /, '7'],
    ];
    for (const [name, f, status, message, retryAfter] of failures) {
      it(`when Hireflix ${name}, creation answers ${status} naming Hireflix, and a retry later succeeds with one invitation`, async () => {
        const body = interviewBody(TEMPLATE);
        h.bridge.container.templates.invalidate('acme');
        await call(`${h.url}/interview-templates`, { token: h.acme.token }); // warm the template cache
        await fault(f);
        const res = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(res.status).to.equal(status);
        expect(Object.keys(res.body as object)).to.deep.equal(['status', 'message']);
        expect((res.body as { status: number }).status).to.equal(status);
        expect((res.body as { message: string }).message).to.match(message);
        expect(res.headers.get('retry-after') ?? undefined).to.equal(retryAfter);
        const again = await call(`${h.url}/interviews`, { token: h.acme.token, body });
        expect(again.status).to.equal(201);
        expect(await invitations((body.candidate as { email: string }).email)).to.equal(1);
      });
    }

    it('when Hireflix cannot be reached, listing templates answers 502 naming Hireflix', async () => {
      await h.globex.sandbox.close();
      h.bridge.container.templates.invalidate('globex');
      const res = await call(`${h.url}/interview-templates`, { token: h.globex.token });
      expect(res.status).to.equal(502);
      expect((res.body as { status: number }).status).to.equal(502);
      expect((res.body as { message: string }).message).to.match(/^Hireflix /);
    });

    if (kind === 'redis') {
      it('copies of one request spread over two bridges sharing Redis send one invitation', async () => {
        const body = interviewBody(TEMPLATE);
        const urls = [h.url, h.replicas[0]!.url];
        const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => call(`${urls[i % 2]}/interviews`, { token: h.acme.token, body })));
        expect(answers.map((a) => a.status)).to.deep.equal(Array(16).fill(201));
        expect(new Set(answers.map((a) => (a.body as { interview_id: string }).interview_id)).size).to.equal(1);
        expect(await invitations((body.candidate as { email: string }).email)).to.equal(1);
      });
    }
  });
}
