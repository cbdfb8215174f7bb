import { expect } from 'chai';
import { WorkerLoop } from '../../src/jobs/loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker loop', () => {
  it('runs again at once while the job reports a full batch, then waits for the interval', async () => {
    let runs = 0;
    const loop = new WorkerLoop('t', 60_000, async () => ++runs < 5, () => undefined);
    loop.start();
    await sleep(200);
    await loop.stop();
    expect(runs).to.equal(5); // four full batches back to back, then the fifth said "no more": wait 60 s
  });

  it('never runs twice at once, and a kick during a run causes exactly one more run', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const loop = new WorkerLoop('t', 60_000, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(30);
      running--;
      runs++;
    }, () => undefined);
    loop.start();
    await sleep(10);
    loop.kick();
    loop.kick();
    await sleep(150);
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
    await sleep(110);
    await loop.stop();
    expect(runs).to.be.greaterThan(2);
    expect(errors.length).to.equal(runs);
  });
});
