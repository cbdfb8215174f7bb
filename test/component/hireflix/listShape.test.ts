/**
 * The interviewList fallback: public evidence gives two shapes for its options, so the adapter sends the
 * best-evidenced one ("input") and, on a validation error naming the list's arguments, the other one once,
 * remembering per account which shape worked. Tested against sandbox variants that accept only one shape.
 */
import { expect } from 'chai';
import { hireflixSdl } from '../../../src/sandbox/hireflix/schema.js';
import { isListShapeError } from '../../../src/upstreams/hireflix/interviewList.js';
import { POSITION, inviteInput, startHarness, type Harness } from '../../support/hireflix.js';

type Logged = { message: string; fields: Record<string, unknown> };

describe('Hireflix interviewList shape fallback', () => {
  let h: Harness;
  let logged: Logged[];
  afterEach(async () => {
    await h.close();
  });

  async function start(shape: 'input' | 'arguments'): Promise<void> {
    logged = [];
    h = await startHarness({ interviewListShape: shape }, { log: (message, fields) => logged.push({ message, fields }) });
  }
  const ops = () => ({ ...h.sandbox.state.stats.byOperation });
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.entries(after).filter(([k, v]) => v !== (before[k] ?? 0)).map(([k, v]) => [k, v - (before[k] ?? 0)]));

  it('a sandbox accepting only separate arguments: recovery falls back once, then the account uses that shape', async () => {
    await start('arguments');
    const first = await h.upstream.invite(inviteInput('bridge-1', 'ada@example.com'));
    let before = ops();
    const again = await h.upstream.invite(inviteInput('bridge-1', 'ada@example.com'));
    expect(again).to.deep.equal({ ...first, alreadyExisted: true });
    // One rejected "input" attempt, then the same lookup in the "arguments" shape.
    expect(delta(before, ops())).to.deep.equal({ InviteCandidate: 1, FindInterviewByEmail: 1, FindInterviewByEmailArgs: 1 });
    expect(logged).to.have.length(1);
    expect(logged[0]!.message).to.equal('Hireflix accepts the "arguments" shape of interviewList');
    expect(logged[0]!.fields).to.include({ interviewListShape: 'arguments', rejectedShape: 'input' });
    expect(logged[0]!.fields.rejection).to.match(/Unknown argument "input" on field "PositionType.interviewList"/);

    // Remembered: the poll and the external-id walk go straight to the accepted shape, no second log.
    h.advance(1000);
    h.sandbox.state.store.finish(first.upstreamId, {});
    before = ops();
    const hints = await h.upstream.listChangedSince(new Date(h.clock.now - 500));
    expect(hints.map((x) => x.upstreamId)).to.deep.equal([first.upstreamId]);
    const polled = delta(before, ops());
    expect(polled.ChangedInterviews).to.equal(undefined);
    // Two pages for the position holding the change (the second one empty), one for each other open position.
    expect(polled.ChangedInterviewsArgs).to.equal(4);
    const clash = await h.upstream.invite(inviteInput('bridge-1', 'other@example.com'));
    expect(clash.upstreamId).to.equal(first.upstreamId);
    expect(ops().ListInterviewsInPosition).to.equal(undefined);
    expect(logged).to.have.length(1);
  });

  it('a sandbox accepting only the input object: no fallback, the shape is logged once', async () => {
    await start('input');
    const first = await h.upstream.invite(inviteInput('bridge-2', 'grace@example.com', POSITION.backend));
    await h.upstream.invite(inviteInput('bridge-2', 'grace@example.com', POSITION.backend));
    await h.upstream.listChangedSince(new Date(0));
    const seen = ops();
    expect(seen.FindInterviewByEmail).to.equal(1);
    expect(seen.FindInterviewByEmailArgs).to.equal(undefined);
    expect(seen.ChangedInterviewsArgs).to.equal(undefined);
    expect(logged.map((l) => l.fields)).to.deep.equal([{ interviewListShape: 'input' }]);
    expect(first.alreadyExisted).to.equal(false);
  });

  it('an error that is not about the shape is not retried in the other shape', async () => {
    logged = [];
    const sdl = hireflixSdl('input').replace(/\n {2}updatedAt: Float!\n/, '\n');
    h = await startHarness({ sdl }, { log: (message, fields) => logged.push({ message, fields }) });
    const err = await h.upstream.listChangedSince(new Date(0)).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.match(/Cannot query field "updatedAt" on type "InterviewType"/);
    expect(ops().ChangedInterviews).to.equal(1);
    expect(ops().ChangedInterviewsArgs).to.equal(undefined);
    expect(logged).to.deep.equal([]);
  });

  it('reads graphql-js validation messages about the list arguments as shape errors, and nothing else', () => {
    expect(isListShapeError('Unknown argument "input" on field "PositionType.interviewList".')).to.equal(true);
    expect(isListShapeError('Unknown argument "pagination" on field "PositionType.interviewList".')).to.equal(true);
    expect(isListShapeError('Field "InterviewListPaginationInput.direction" of required type "PaginationDirection!" was not provided.')).to.equal(true);
    expect(isListShapeError('Field "interviewList" argument "input" of type "InterviewListInput!" is required, but it was not provided.')).to.equal(true);
    expect(isListShapeError('Cannot query field "updatedAt" on type "InterviewType".')).to.equal(false);
    expect(isListShapeError('Position not found')).to.equal(false);
  });
});
