/**
 * Simulators started on a state file keep their records across a restart (sandbox mode keeps the Hireflix
 * one beside the SQLite store), and refuse a file that is not theirs with a message naming it.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHireflixSandbox } from '../../../src/sandbox/hireflix/index.js';
import { createVervoeSandbox } from '../../../src/sandbox/vervoe/index.js';
import { call } from '../../support/harness.js';

describe('sandbox state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wvb-sbstate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a restarted Hireflix simulator still has its interviews, their state and the invitation counts', async () => {
    const file = join(dir, 'hireflix-sandbox.json');
    const first = createHireflixSandbox({ stateFile: file });
    const url1 = await first.listen();
    const positionId = first.state.store.positions()[0]!.id;
    const made = first.state.store.invite({ positionId, externalId: 'ext-1', candidate: { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' } });
    if (made.kind !== 'created') throw new Error(made.kind);
    const finished = await call(`${url1}/_sandbox/interviews/${made.interview.id}/finish`, { body: { score: 4 } });
    expect(finished.status).to.equal(200);
    await first.close();

    const second = createHireflixSandbox({ stateFile: file });
    const url2 = await second.listen();
    try {
      const listed = await call(`${url2}/_sandbox/interviews?email=ada@example.com`);
      expect(listed.status).to.equal(200);
      const [iv] = listed.body as Array<Record<string, unknown>>;
      expect(iv).to.include({ id: made.interview.id, state: 'completed', externalId: 'ext-1', score: 4, answers: 3 });
      expect(second.state.store.positions()[0]!.questions.map((q) => q.id)).to.deep.equal(first.state.store.positions()[0]!.questions.map((q) => q.id));
      // The same candidate again is still "already invited" (the duplicate index is rebuilt).
      const again = second.state.store.invite({ positionId, externalId: 'ext-2', candidate: { firstName: 'Ada', lastName: 'L', email: 'ADA@example.com' } });
      expect(again.kind).to.equal('emailExists');
      expect((await call(`${url2}/_sandbox/invitations`)).body).to.deep.equal([{ positionId, email: 'ada@example.com', count: 1 }]);
    } finally {
      await second.close();
    }
  });

  it('a restarted Vervoe simulator still has its candidate assessments', async () => {
    const file = join(dir, 'vervoe-sandbox.json');
    const first = createVervoeSandbox({ stateFile: file });
    const url1 = await first.listen();
    const slug = first.state.store.assessments()[0]!.slug;
    const { ca } = first.state.store.invite(slug, { email: 'bo@example.com', firstName: 'Bo', sendEmail: true });
    expect((await call(`${url1}/_sandbox/candidates/${ca.uuid}/complete`, { body: { score: 72 } })).status).to.equal(200);
    await first.close();

    const second = createVervoeSandbox({ stateFile: file });
    const url2 = await second.listen();
    try {
      const got = await call(`${url2}/_sandbox/candidates/${ca.uuid}`);
      expect(got.status).to.equal(200);
      expect(got.body).to.include({ uuid: ca.uuid, status: 'complete' });
      expect((await call(`${url2}/_sandbox/invitations`)).body).to.deep.equal([{ slug, email: 'bo@example.com', count: 1 }]);
    } finally {
      await second.close();
    }
  });

  it('saves nothing for reads, and a reset empties the file too', async () => {
    const file = join(dir, 'h.json');
    const sb = createHireflixSandbox({ stateFile: file });
    const url = await sb.listen();
    try {
      await call(`${url}/_sandbox/interviews`);
      expect(() => readFileSync(file)).to.throw(/ENOENT/);
      const positionId = sb.state.store.positions()[0]!.id;
      sb.state.store.invite({ positionId, externalId: null, candidate: { firstName: 'C', lastName: 'D', email: 'c@example.com' } });
      await call(`${url}/_sandbox/reset`, { method: 'POST' });
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { simulator: string; data: { store: { interviews: unknown[] } } };
      expect(saved.simulator).to.equal('hireflix');
      expect(saved.data.store.interviews).to.deep.equal([]);
    } finally {
      await sb.close();
    }
  });

  it('refuses a file that is not its own, naming it and what to do', () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, 'not json');
    expect(() => createHireflixSandbox({ stateFile: file })).to.throw(`sandbox state file ${file}: not JSON (delete it to start the simulator empty)`);
    writeFileSync(file, JSON.stringify({ simulator: 'hireflix', version: 1, data: { assessments: [], emails: [] } }));
    expect(() => createVervoeSandbox({ stateFile: file })).to.throw(`sandbox state file ${file}: not a version 1 vervoe sandbox state (delete it to start the simulator empty)`);
  });
});
