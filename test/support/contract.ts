/**
 * The contract every upstream adapter and its sandbox must pass, whatever the platform: templates, invite,
 * idempotent re-invite, read, change listing, webhook verification, and each lifecycle mapped through the
 * upstream's default profile to the Workable payload. One subject per upstream (see *.test.ts here).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { parseMappingProfile, type MappingProfile } from '../../src/config/mappingSchema.js';
import { buildResult, decideStatus, resultsUrlFromField } from '../../src/domain/mapping/index.js';
import type { Upstream } from '../../src/upstreams/types.js';
import type { WorkableResult } from '../../src/workable/payload.js';
import { startReceiver, type Receiver } from './receiver.js';

/** One step of a life: an action of the sandbox's control API, with its body. */
export type Step = [action: string, body?: unknown];

export interface Life {
  name: string;
  steps: Step[];
  /** The Workable payload expected, without results_url and attachments (checked separately). */
  expected: { status: WorkableResult['status']; score?: string; grade?: string };
}

export interface ContractSubject<S> {
  name: string;
  /** Default profile, config/mappings/<profile>.yaml. */
  profile: string;
  createSandbox(webhookSecret: string): Promise<S>;
  closeSandbox(sandbox: S): Promise<void>;
  createUpstream(sandbox: S, opts: { webhookSecret: string; now?: () => number }): Upstream;
  routeWebhooks(sandbox: S, url: string): Promise<void>;
  invitations(sandbox: S, templateId: string, email: string): Promise<number>;
  drive(sandbox: S, upstreamId: string, action: string, body?: unknown): Promise<void>;
  /** An action after which the sandbox sends a webhook for the interview. */
  webhookAction: Step;
  /** An action after which the interview shows in change listings. */
  changeAction: Step;
  /** True when signatures carry a timestamp that must be within a tolerance (a stale one is refused). */
  timestamped: boolean;
  /** Prefix every results_url of a completed life starts with. */
  resultsUrlPrefix(sandbox: S): string;
  lives: Life[];
}

export function loadProfile(name: string): MappingProfile {
  const text = readFileSync(new URL(`../../config/mappings/${name}.yaml`, import.meta.url), 'utf8');
  const { profile, problems } = parseMappingProfile(parseYaml(text), `${name}.yaml`);
  if (!profile) throw new Error(problems.join('\n'));
  return profile;
}

/** Registers the contract suite for one upstream. */
export function upstreamContract<S>(subject: ContractSubject<S>): void {
  describe(`upstream contract: ${subject.name}`, function () {
    this.timeout(15000);
    const secret = `whsec-${randomUUID()}`;
    const profile = loadProfile(subject.profile);
    let sandbox: S;
    let upstream: Upstream;
    let receiver: Receiver;
    let templateId: string;

    before(async () => {
      receiver = await startReceiver(() => ({ status: 200 }));
      sandbox = await subject.createSandbox(secret);
      await subject.routeWebhooks(sandbox, `${receiver.url}/hook`);
      upstream = subject.createUpstream(sandbox, { webhookSecret: secret });
      const templates = await upstream.listTemplates();
      expect(templates.length).to.be.greaterThan(0);
      templateId = templates[0]!.id;
    });
    after(async () => {
      await subject.closeSandbox(sandbox);
      await receiver.close();
    });

    const input = (tag: string) => ({
      templateId, externalId: `c-${tag}-${randomUUID().slice(0, 8)}`, jobTitle: 'Contract tester',
      candidate: { firstName: 'Grace', lastName: 'Hopper', email: `${tag}.${randomUUID().slice(0, 8)}@example.com` },
    });

    it('lists templates as non-empty {id, name}', async () => {
      for (const t of await upstream.listTemplates()) {
        expect(Object.keys(t).sort()).to.deep.equal(['id', 'name']);
        expect(t.id).to.be.a('string').and.not.equal('');
        expect(t.name).to.be.a('string').and.not.equal('');
      }
    });

    it('invites, and a re-invite resolves to the same interview with exactly one invitation sent', async () => {
      const inv = input('reinvite');
      const first = await upstream.invite(inv);
      expect(first.alreadyExisted).to.equal(false);
      const again = await upstream.invite(inv);
      expect(again).to.deep.include({ upstreamId: first.upstreamId, alreadyExisted: true });
      expect(await subject.invitations(sandbox, templateId, inv.candidate.email)).to.equal(1);
    });

    it('reads an invited interview as pending under its profile', async () => {
      const { upstreamId } = await upstream.invite(input('read'));
      const snapshot = await upstream.getInterview(upstreamId);
      expect(snapshot!.upstreamId).to.equal(upstreamId);
      expect(profile.status.states[snapshot!.state]).to.equal('pending');
      expect(snapshot!.score).to.equal(null);
    });

    it('lists a changed interview since a moment before the change', async () => {
      const since = new Date(Date.now() - 60_000);
      const { upstreamId } = await upstream.invite(input('changes'));
      await subject.drive(sandbox, upstreamId, ...subject.changeAction);
      expect((await upstream.listChangedSince(since)).map((hint) => hint.upstreamId)).to.include(upstreamId);
    });

    it('verifies webhooks: valid, wrong secret, missing signature, tampered body (and stale, when timestamped)', async () => {
      const { upstreamId } = await upstream.invite(input('webhook'));
      const before = receiver.requests.length;
      await subject.drive(sandbox, upstreamId, ...subject.webhookAction);
      for (let i = 0; i < 200 && receiver.requests.length === before; i++) await new Promise((r) => setTimeout(r, 10));
      const hit = receiver.requests[receiver.requests.length - 1]!;
      const raw = Buffer.from(hit.body, 'utf8');
      expect(upstream.verifyWebhook(raw, hit.headers)).to.equal(true);
      expect(upstream.parseWebhook(raw).upstreamId).to.equal(upstreamId);
      expect(subject.createUpstream(sandbox, { webhookSecret: 'wrong' }).verifyWebhook(raw, hit.headers)).to.equal(false);
      expect(upstream.verifyWebhook(raw, {})).to.equal(false);
      expect(upstream.verifyWebhook(Buffer.from(hit.body.replace(upstreamId, 'someone-else')), hit.headers)).to.equal(false);
      if (subject.timestamped) {
        const later = subject.createUpstream(sandbox, { webhookSecret: secret, now: () => Date.now() + 10 * 60_000 });
        expect(later.verifyWebhook(raw, hit.headers)).to.equal(false);
      }
    });

    for (const life of subject.lives) {
      it(`life "${life.name}" maps to ${JSON.stringify(life.expected)}`, async () => {
        const inv = input('life');
        const { upstreamId } = await upstream.invite(inv);
        for (const [action, body] of life.steps) await subject.drive(sandbox, upstreamId, action, body);
        const snapshot = await upstream.getInterview(upstreamId);
        const now = new Date();
        const record = { jobTitle: inv.jobTitle, templateName: 'Template', candidate: inv.candidate, createdAt: now.toISOString() };
        const { status } = decideStatus(profile, snapshot, { createdAt: record.createdAt, now });
        let resultsUrl: string | undefined;
        if (status === 'completed') {
          resultsUrl = resultsUrlFromField(profile, { snapshot, record }) ?? (await upstream.shareLink(upstreamId, profile.resultsUrl.shareDays)).url;
        }
        const payload = buildResult(profile, { status, snapshot, record, ...(resultsUrl ? { resultsUrl } : {}) });
        const { score, grade } = payload.interview ?? {};
        expect({ status: payload.status, ...(score ? { score } : {}), ...(grade ? { grade } : {}) }).to.deep.equal(life.expected);
        if (status === 'completed') expect(payload.results_url).to.satisfy((u: string) => u.startsWith(subject.resultsUrlPrefix(sandbox)));
        else expect(payload).to.deep.equal({ status });
      });
    }
  });
}
