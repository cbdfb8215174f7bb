/**
 * Part 0, the access line alone: the bridge's logger (ISO time, mixin, path redaction off for the access
 * line, the scrubber over every line with a dozen configured secrets) writing the line app.ts writes for
 * every request, against pino with no options writing the same fields, both to a sink that drops the text,
 * inside a request scope as in production. µs per line, median of rounds, alternating the two.
 */
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { accessLogger, createLogger, requestScope } from '../src/logger.js';
import { isMain, runStandalone, table, type Section } from './lib/section.js';
import { fmt, median } from './lib/stats.js';

const LINES = 50_000;
const ROUNDS = 5;
const sink = { write: (_s: string) => undefined } as unknown as DestinationStream;
const line = { reqId: '7f1c2e9a-1234-4cde-8f00-123456789abc', method: 'GET', path: '/interview-templates', route: '/interview-templates', status: 200, ms: 0.4 };

function usPerLine(logger: Logger): number {
  const t0 = process.hrtime.bigint();
  requestScope.run({ reqId: line.reqId }, () => {
    for (let i = 0; i < LINES; i++) logger.info(line, 'request');
  });
  return Number(process.hrtime.bigint() - t0) / LINES / 1000;
}

export async function runLogger(): Promise<Section> {
  const secrets = Array.from({ length: 12 }, (_, i) => `secret-${i}-${'x'.repeat(24)}`);
  const bare = pino({}, sink);
  const bridge = accessLogger(createLogger({ level: 'info', pretty: false, destination: sink, secrets }));
  const full = createLogger({ level: 'info', pretty: false, destination: sink, secrets });
  for (const l of [bare, bridge, full]) usPerLine(l); // warm-up
  const r = { bare: [] as number[], bridge: [] as number[], full: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    r.bare.push(usPerLine(bare));
    r.bridge.push(usPerLine(bridge));
    r.full.push(usPerLine(full));
  }
  const access = median(r.bridge);
  await Promise.resolve();
  return {
    title: '0. The access line',
    body: `
${table(
  ['logger', 'µs per line', 'ratio to bare pino'],
  [
    ['pino, no options (baseline)', fmt(median(r.bare), 2), '1'],
    ['the bridge\'s access logger (scrubber, ISO time, mixin; no path redaction)', `**${fmt(access, 2)}**`, fmt(access / median(r.bare), 1)],
    ['the bridge\'s logger with path redaction (every other line)', fmt(median(r.full), 2), fmt(median(r.full) / median(r.bare), 1)],
  ],
)}

How: \`npm run bench:logger\`. ${LINES.toLocaleString('en')} lines per run, ${ROUNDS} rounds, median; the line app.ts writes for every request, with
12 configured secrets for the scrubber, inside the request scope; the text is dropped, so writing is not measured.
`,
    targets: [{ name: 'an access-log line (logger alone)', goal: '<= 15 µs', measured: `${fmt(access, 2)} µs (bare pino ${fmt(median(r.bare), 2)} µs)`, met: access <= 15 }],
  };
}

if (isMain(import.meta.url)) await runStandalone(() => runLogger());
