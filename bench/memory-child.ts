/**
 * Child process of bench/memory.ts (started with --expose-gc): one bridge on a Redis prefix. Reports its
 * RSS and heap after a full GC when asked, and runs a poll cycle plus reconciliation over whatever the
 * parent seeded, so the "after" figure is a bridge that has worked over every tracked interview it was told of.
 */
import { startBridge } from '../src/runtime.js';
import { benchConfig, devNull } from './lib/setup.js';

const [endpoint = '', apiKey = '', prefix = ''] = process.argv.slice(2);
const { config } = benchConfig({ port: 0, store: { kind: 'redis', prefix }, sandboxEndpoint: endpoint, sandboxApiKey: apiKey });
const bridge = await startBridge(config, { logDestination: devNull(), scheduler: false });
const gc = (globalThis as { gc?: () => void }).gc;

function measure(): { rss: number; heapUsed: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

process.on('message', (m: unknown) => {
  void (async () => {
    if (m === 'measure') process.send?.({ memory: measure() });
    if (m === 'cycle') {
      await bridge.scheduler.pollNow();
      let reconciled = 0;
      for (;;) {
        const s = await bridge.scheduler.reconcileNow();
        reconciled += s.reconciled;
        if (s.reconciled + s.failed + s.skipped === 0) break;
      }
      process.send?.({ reconciled });
    }
    if (m === 'stop') {
      await bridge.shutdown();
      process.exit(0);
    }
  })();
});
process.send?.({ ready: true });
