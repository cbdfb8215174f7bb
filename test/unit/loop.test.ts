import { expect } from 'chai';
import { WorkerLoop } from '../../src/jobs/loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `done()` to hold, checking often; fails after a generous limit (no timing is asserted). */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('worker loop', function () {
  this.timeout(15_000);

  it('runs again at once while the job reports a full batch, then waits for the interval', async () => {
    let runs = 0;
    const loop = new WorkerLoop('t', 60_000, async () => ++runs < 5, () => undefined);
    loop.start();
    await until(() => runs >= 5, 'five runs');
    // The fifth said "no more": the next run is 60 s away, so none follows now.
    await sleep(100);
    await loop.stop();
    expect(runs).to.equal(5);
  });

  it('never runs twice at once, and a kick during a run causes exactly one more run', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release!: () => void;
    let started!: () => void;
    const firstStarted = new Promise<void>((r) => (started = r));
    const gate = new Promise<void>((r) => (release = r));
    const loop = new WorkerLoop('t', 60_000, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      started();
      if (runs === 0) await gate; // the first run lasts until both kicks have arrived
      running--;
      runs++;
    }, () => undefined);
    loop.start();
    await firstStarted;
    loop.kick();
    loop.kick();
    release();
    await until(() => runs >= 2, 'the run the kicks asked for');
    await sleep(100);
    await loop.stop();
    expect(maxRunning).to.equal(1);
    expect(runs).to.equal(2);
  });

  it('reports a failing run and keeps going', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const loop = new WorkerLoop('t', 20, async () => {
      runs++;
      throw new Error('boom');
    }, (e) => errors.push(e));
    loop.start();
    await until(() => runs >= 3, 'three failing runs');
    await loop.stop();
    expect(errors.length).to.equal(runs);
    expect((errors[0] as Error).message).to.equal('boom');
  });
});
