/**
 * `npm run bench`: runs the four parts in order (each is also runnable alone: bench:http, bench:poll,
 * bench:delivery, bench:memory), prints the results and writes them, with the machine they ran on, to
 * docs/benchmarks.md. Figures are ratios to, or differences from, baselines measured in the same run; each
 * is the median of several rounds. A part that fails is reported as failed; the others still run.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDelivery } from './delivery.js';
import { runHttp } from './http.js';
import { machineInfo } from './lib/machine.js';
import { renderSection, renderTargets, table, type Section, type Target } from './lib/section.js';
import { runMemory } from './memory.js';
import { runPoll } from './poll.js';

const PARTS: Array<[string, () => Promise<Section>]> = [
  ['1. Request overhead', () => runHttp()],
  ['2. Poll-cycle scale', () => runPoll()],
  ['3. Delivery throughput', () => runDelivery()],
  ['4. Memory', () => runMemory()],
];

const NOTES = `
## Notes, limits and proposed fixes

- **Load on the machine.** The figures were taken on a shared 2-core machine while other test suites ran; absolute
  numbers move from run to run, which is why every figure is a ratio or a difference against a baseline taken in
  the same run, and a median of rounds. Look at the ratios, not at the absolute numbers.
- **Request logging.** The bridge logs every request at info level; benchmarks run it at \`warn\` (set \`LOG_LEVEL\` to
  change it), so log formatting and writing are not in these figures.
- **Bare Koa is limited by the load generator.** autocannon has one core and the servers the other; a hello-world
  answers as fast as autocannon can ask, so the bare-Koa figure is a floor and the templates ratio is, if anything,
  flattered. Middleware the bridge runs on every request (request id and child logger, error renderer, shutdown
  gate, 404/405 fallback, four routers with \`allowedMethods\`, Bearer-token SHA-256, and now per-request metrics and an
  AsyncLocalStorage request scope) is what separates the two; \`BENCH_CPU_PROF=<dir> npm run bench:http\` writes a CPU
  profile of the servers' process to see it.
- **POST /interviews** makes about ten sequential store round trips around its one upstream call (idempotency
  claim, record read, lock, record read, draft write, index write, record write, expiry index, unlock). Each is
  ~0.1 ms on an idle machine, but every await is a chance to wait for a busy core, so under load they add up;
  folding the draft/record writes or taking the lock as the idempotency claim would cut the count.
- **Reconcile and delivery pacing in the scheduler (proposed fix, src/jobs/scheduler.ts + loop.ts).** The delivery
  worker takes one batch (\`delivery.batch_size\`, 200) per run and runs every \`delivery.interval_ms\` (1 s) unless
  kicked, so a backlog drains at most 200 per second (10,000 results: at least 50 s) no matter how fast
  deliverDue is; the reconcile worker likewise takes 200 per second. The benchmarks call the jobs back to back (as
  the worker would if it re-ran at once after a full batch). Fix: let the loop function report "batch was full"
  and have WorkerLoop schedule the next run immediately in that case.
- **Poll overlap re-lists changes.** Each poll looks back \`poller.overlap_ms\` (2 min) before the previous poll's
  start; with the default 30 s cron every change is listed by about five consecutive polls and reconciled each
  time (one upstream read each; the result is unchanged so nothing is re-sent). The benchmark spaces polls so
  each lists one cycle's changes. Proposed fix (src/jobs/pollOnce.ts): skip a hint whose \`changedAt\` is not newer
  than the record's last reconcile.
- **Sandbox fix made for this benchmark (src/sandbox/hireflix/store.ts, resolvers.ts).** Inviting scanned every
  interview (\`[...interviews.values()].filter(...)\`) for the duplicate checks, so seeding 100,000 was quadratic, and
  every listing page filtered and sorted all interviews, then filtered again by cursor. Now the store keeps per-position
  indexes (members, external-id and e-mail counts) and a change counter; a listing sorts a position once per
  change counter value and finds a cursor by binary search, so a page costs O(log n + page size).
`;

async function main(): Promise<void> {
  const machine = machineInfo();
  const sections: Section[] = [];
  for (const [title, run] of PARTS) {
    console.error(`running ${title} ...`);
    const started = Date.now();
    try {
      sections.push(await run());
    } catch (err) {
      console.error(err);
      sections.push({ title, body: `**Failed:** ${(err as Error).message}`, targets: [{ name: title, goal: 'runs', measured: 'failed', met: false }] });
    }
    console.error(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const targets: Target[] = sections.flatMap((s) => s.targets);
  const doc = `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts); do not edit by hand. Each part also runs alone:
\`npm run bench:http\`, \`npm run bench:poll\`, \`npm run bench:delivery\`, \`npm run bench:memory\` (these print their table).
Redis must answer on ${process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'} (\`BENCH_REDIS_URL\`); every key is written under a unique
\`bench-…\` prefix and deleted afterwards. Loopback traffic only.

${table(
  ['machine', ''],
  [
    ['CPU', `${machine.cpu}`],
    ['cores', String(machine.cores)],
    ['memory', machine.memory],
    ['Node.js', machine.node],
    ['OS', machine.os],
    ['date', machine.date],
  ],
)}

## Targets

${renderTargets(targets)}

${sections.map(renderSection).join('\n')}
${NOTES}`;
  const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  writeFileSync(out, doc);
  process.stdout.write(`\n${renderTargets(targets)}\n\nwritten to docs/benchmarks.md\n`);
}

await main();
process.exit(0);
