/**
 * The property-based hostile-input suite, parameterised by the number of generated requests per endpoint:
 * the default test run uses a fast slice, `npm run test:fuzz` the full 10,000. One in-process bridge
 * (SQLite) under the production callback policy; every answer is checked on the wire.
 */
import fc from 'fast-check';
import { expect } from 'chai';
import { call, interviewBody, startHarness, type Harness } from '../harness.js';
import { send } from './client.js';
import { createCase, type Case } from './createCases.js';
import { readCase, templatesCase, webhookCase, type ReadContext } from './otherCases.js';

interface Tally {
  kinds: Record<string, number>;
  statuses: Record<string, number>;
  latencies: number[];
}

function summary(name: string, t: Tally, ms: number): string {
  const l = [...t.latencies].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((l[Math.min(l.length - 1, Math.floor(q * l.length))] ?? 0) * 10) / 10;
  return JSON.stringify({ endpoint: name, requests: l.length, seconds: Math.round(ms / 100) / 10, statuses: t.statuses, kinds: t.kinds, p50ms: at(0.5), p99ms: at(0.99), maxMs: at(1) });
}

/** Defines the describe block; `runs` generated requests per endpoint. */
export function defineFuzzSuite(title: string, runs: number): void {
  describe(title, function () {
    this.timeout(Math.max(60_000, runs * 60));
    let h: Harness;
    let ctx: ReadContext;

    before(async () => {
      h = await startHarness('sqlite');
      // Debug lines for tens of thousands of requests would only fill memory; warnings and errors stay.
      h.bridge.container.logger.level = 'warn';
      // Production rules for callback_url (the harness allows local receivers), and no lockout: the
      // limiter has its own tests, and here every bad token must get its 401.
      h.bridge.container.createDeps.callbackPolicy = { allowedHosts: ['*.workable.com'], allowLocal: false };
      h.bridge.container.authLimiter.configure({ maxFailures: Number.MAX_SAFE_INTEGER });
      h.bridge.container.webhookSignatureLimiter.configure({ maxFailures: Number.MAX_SAFE_INTEGER }); // the generator sends bad signatures on purpose
      const t = await call(`${h.url}/interview-templates`, { token: h.acme.token });
      const templateId = (t.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
      const own = await call(`${h.url}/interviews`, { token: h.acme.token, body: interviewBody(templateId) });
      const ownId = (own.body as { interview_id: string }).interview_id;
      const gt = await call(`${h.url}/interview-templates`, { token: h.globex.token });
      const gTemplate = (gt.body as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id;
      const foreign = await call(`${h.url}/interviews`, { token: h.globex.token, body: interviewBody(gTemplate) });
      const ownBody = (await call(`${h.url}/interviews/${ownId}`, { token: h.acme.token })).body;
      ctx = { token: h.acme.token, templatesBody: t.body, ownId, ownBody, foreignId: (foreign.body as { interview_id: string }).interview_id };
    });

    after(async () => {
      // Bodies with "__proto__" keys were refused, and nothing leaked into the prototype of plain objects.
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      // No token, valid or not, may reach a log line.
      expect(h.rawLogs.filter((l) => l.includes(h.acme.token))).to.deep.equal([]);
      await h.close();
    });

    const endpoint = (name: string, arb: () => fc.Arbitrary<Case>) =>
      it(`${name}: ${runs} generated requests, never a 5xx, each with its exact contract answer`, async () => {
        const t: Tally = { kinds: {}, statuses: {}, latencies: [] };
        const started = Date.now();
        await fc.assert(
          fc.asyncProperty(arb(), async (c) => {
            const a = await send(h.url, c.req);
            t.kinds[c.kind] = (t.kinds[c.kind] ?? 0) + 1;
            t.statuses[a.status] = (t.statuses[a.status] ?? 0) + 1;
            t.latencies.push(a.ms);
            expect(a.status, `${c.kind}: ${a.text.slice(0, 200)}`).to.be.below(500);
            c.check(a);
          }),
          { numRuns: runs },
        );
        process.stderr.write(`      FUZZ ${summary(name, t, Date.now() - started)}\n`);
      });

    endpoint('POST /interviews', () => createCase({ token: ctx.token, templateId: String((ctx.templatesBody as { interview_templates: Array<{ id: string }> }).interview_templates[0]!.id), bodyLimit: h.config.server.bodyLimitBytes }));
    endpoint('POST /webhooks/hireflix/:account', () => webhookCase({ account: 'acme', secret: h.acme.webhookSecret }));
    endpoint('GET /interviews/:id(/shared-link)', () => readCase(ctx));
    endpoint('GET /interview-templates', () => templatesCase(ctx));
  });
}
