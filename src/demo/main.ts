/**
 * The narrated demo (`npm run demo`): starts the bridge in sandbox mode on free ports with a throwaway
 * store, plays Workable, the candidate and the recruiter, and checks every step. Exits 0 only if every step
 * behaved; otherwise prints "FAILED at step N: …" with the bridge's last log lines and exits 1. Everything
 * it started (bridge process, receiver, temporary folder) is cleaned up in both cases, and on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridgeProcess } from './bridgeProcess.js';
import type { BridgeProcess } from './bridgeProcess.js';
import { Narrator, StepFailed } from './narrate.js';
import { startDemoReceiver } from './receiver.js';
import type { DemoReceiver } from './receiver.js';
import { STORY_STEPS, tellStory } from './story.js';

const n = new Narrator(STORY_STEPS + 1);
const tempDir = mkdtempSync(join(tmpdir(), 'wvb-demo-'));
let bridge: BridgeProcess | undefined;
let receiver: DemoReceiver | undefined;

async function cleanUp(): Promise<void> {
  await receiver?.close().catch(() => undefined);
  await bridge?.stop().catch(() => undefined);
  rmSync(tempDir, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  n.raw('\nInterrupted; cleaning up.');
  void cleanUp().finally(() => process.exit(130));
});

async function main(): Promise<number> {
  // Tokens chosen here, so the demo can present one and recognise the other at its receiver.
  const token = randomBytes(24).toString('base64url');
  const workableToken = `wk-${randomBytes(24).toString('base64url')}`;
  n.raw('Workable video bridge: a narrated demo (sandbox mode, nothing to configure)');
  try {
    n.begin('Start the bridge in sandbox mode with a local Hireflix simulator and a local "Workable"');
    n.say(`store and logs    ${tempDir} (removed at the end)`);
    receiver = await startDemoReceiver((text) => n.raw(text));
    try {
      bridge = await startBridgeProcess(tempDir, { inbound: token, workable: workableToken });
    } catch (err) {
      n.check(false, 'the bridge answers GET /readyz with 200', (err as Error).message);
    }
    const b = bridge!;
    n.check(true, 'the bridge answers GET /readyz with 200');
    n.say(`bridge            ${b.url}\nHireflix sandbox  ${b.sandboxUrl}\n"Workable"        ${receiver.url} (receives the result PUTs)`);
    await tellStory({ bridge: b, receiver, token, workableToken, n });
    n.raw(`\nDemo complete: all ${n.total} steps behaved.`);
    return 0;
  } catch (err) {
    const step = err instanceof StepFailed ? err.step : n.current;
    n.raw(`\nFAILED at step ${step}: ${(err as Error).message}`);
    if (bridge) n.raw(`\nThe bridge's last log lines:\n${bridge.tail(40)}`);
    return 1;
  } finally {
    await cleanUp();
  }
}

const code = await main();
process.stdout.write('', () => process.exit(code));
