/** Named start and stop steps: reverse order, stages stopped together, a failed start or stop handled. */
import { expect } from 'chai';
import pino from 'pino';
import { Lifecycle } from '../../src/lifecycle.js';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { lines, steps: new Lifecycle(logger) };
}

describe('lifecycle steps', () => {
  it('stops in reverse order, steps started together at the same time, each logged by name', async () => {
    const { lines, steps } = setup();
    const events: string[] = [];
    const stopper = (name: string, ms = 0) => () => new Promise<void>((r) => {
      events.push(`${name} begin`);
      setTimeout(() => (events.push(`${name} end`), r()), ms);
    });
    await steps.step('store', () => 'db', stopper('store'));
    await steps.step('requests', () => undefined, stopper('requests', 30));
    await steps.step('scheduler', () => undefined, stopper('scheduler', 10), { together: true });
    await steps.step('watchers', () => undefined, stopper('watchers'));
    await steps.stopAll();
    expect(events).to.deep.equal(['watchers begin', 'watchers end', 'requests begin', 'scheduler begin', 'scheduler end', 'requests end', 'store begin', 'store end']);
    expect(lines.filter((l) => l.msg === 'started').map((l) => l.step)).to.deep.equal(['store', 'requests', 'scheduler', 'watchers']);
    expect(lines.filter((l) => l.msg === 'stopped').map((l) => l.step)).to.deep.equal(['watchers', 'scheduler', 'requests', 'store']);
    await steps.stopAll(); // nothing left: no second stop
    expect(events).to.have.length(8);
  });

  it('a step that fails to start stops what had started, and the error reaches the caller', async () => {
    const { steps } = setup();
    const stopped: string[] = [];
    await steps.step('sandbox', () => 1, () => void stopped.push('sandbox'));
    await steps.step('store', () => 2, () => void stopped.push('store'));
    let thrown: unknown;
    await steps.step('server', () => Promise.reject(new Error('port in use'))).catch((e: unknown) => (thrown = e));
    expect((thrown as Error).message).to.equal('port in use');
    expect(stopped).to.deep.equal(['store', 'sandbox']);
  });

  it('a stop that throws is logged, and the earlier steps still stop', async () => {
    const { lines, steps } = setup();
    const stopped: string[] = [];
    await steps.step('store', () => undefined, () => void stopped.push('store'));
    await steps.step('server', () => undefined, () => Promise.reject(new Error('close failed')));
    await steps.stopAll();
    expect(stopped).to.deep.equal(['store']);
    const warn = lines.find((l) => l.msg === 'stop step failed');
    expect(warn).to.include({ step: 'server' });
    expect((warn!.err as { message: string }).message).to.equal('close failed');
  });
});
