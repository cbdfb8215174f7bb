/**
 * Part 1, request overhead. The servers run in a child process (bench/http-targets.ts) and autocannon in
 * this one, so each has a core. In the same run:
 *  - throughput: GET /interview-templates (cached) vs a bare Koa hello-world, closed loop, 10 connections;
 *  - latency: POST /interviews (SQLite and Redis bridges) vs the sandbox's own invite mutation, both at the
 *    same fixed offered rate, so the difference is what the bridge adds over its upstream.
 * Each comparison runs ROUNDS times, alternating targets; the table shows the median of the rounds.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { INVITE } from '../src/upstreams/hireflix/queries.js';
import { runLoad, type AcRequest } from './lib/autocannon.js';
import { isMain, runStandalone, table, type Section } from './lib/section.js';
import { fmt, median, percentile } from './lib/stats.js';
import { benchChild, redisCommandsSoFar } from './lib/setup.js';
import type { TargetsReady } from './http-targets.js';

export interface HttpOptions {
  rounds: number;
  /** Seconds per autocannon run. */
  seconds: number;
  latencyMs: number;
  /** Offered rate of the latency runs (requests/s over all connections). */
  rate: number;
  connections: number;
  /** Offered rate of the one-connection latency runs (the target's measure): requests/s. */
  steadyRate: number;
}

export const HTTP_DEFAULTS: HttpOptions = { rounds: 3, seconds: 5, latencyMs: 20, rate: 100, connections: 10, steadyRate: 50 };

function candidate(n: string) {
  return { first_name: 'Lakita', last_name: 'Marrero', phone: '(785)991-6256', email: `lakita.${n}@example.com` };
}

/** POST /interviews with a unique callback_url and e-mail on every request. */
export function bridgeRequest(t: TargetsReady): AcRequest {
  return {
    method: 'POST',
    path: '/interviews',
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
    setupRequest: (req) => {
      const n = randomUUID();
      return {
        ...req,
        body: JSON.stringify({
          interview_template_id: t.templateId,
          job_id: '6789',
          job_title: 'Operations Manager',
          callback_url: `https://groove-tech.workable.com/spi/v3/interviews/${n}/callback`,
          candidate: candidate(n.slice(0, 13)),
        }),
      };
    },
  };
}

/** The very GraphQL request the bridge sends to invite a candidate (same document, same variables shape). */
export function sandboxRequest(t: TargetsReady): AcRequest {
  return {
    method: 'POST',
    path: '/me',
    headers: { 'x-api-key': t.sandboxApiKey, 'content-type': 'application/json', accept: 'application/json' },
    setupRequest: (req) => {
      const n = randomUUID();
      return {
        ...req,
        body: JSON.stringify({
          query: INVITE,
          variables: {
            input: {
              positionId: t.templateId,
              externalId: n.replace(/-/g, '').slice(0, 22),
              candidate: { email: `lakita.${n.slice(0, 13)}@example.com`, firstName: 'Lakita', lastName: 'Marrero', phone: '+17859916256' },
            },
          },
        }),
      };
    },
  };
}

function checkClean(name: string, r: { errors: number; timeouts: number; non2xx: number }): void {
  if (r.errors + r.timeouts + r.non2xx > 0) throw new Error(`${name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx responses`);
}

/** Requests per second, and the servers' CPU µs per request over the run (only the target is busy then). */
async function throughput(name: string, url: string, o: HttpOptions, cpu: () => Promise<number>, extra: { headers?: Record<string, string> } = {}): Promise<{ rps: number; cpuUs: number }> {
  const before = await cpu();
  const { result } = await runLoad({ url, connections: o.connections, duration: o.seconds, ...extra });
  const used = (await cpu()) - before;
  checkClean(name, result);
  return { rps: result.requests.total / result.duration, cpuUs: used / result.requests.total };
}

async function latency(name: string, url: string, request: AcRequest, o: HttpOptions, connections: number, rate: number): Promise<{ p50: number; p99: number; rps: number; requests: number }> {
  const { result, samplesMs } = await runLoad({ url, connections, duration: o.seconds, overallRate: rate, requests: [request] });
  checkClean(name, result);
  return { p50: percentile(samplesMs, 50), p99: percentile(samplesMs, 99), rps: result.requests.total / result.duration, requests: result.requests.total };
}

export async function startTargets(latencyMs: number) {
  // Compiled as the rest of the run (npm run bench:build), or from source through tsx when started so.
  const targets = benchChild('http-targets', import.meta.url);
  const child = fork(targets.path, [String(latencyMs)], {
    // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the servers' process there (open in Chrome DevTools).
    execArgv: [...targets.execArgv, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<TargetsReady>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`http targets exited with ${code}`)));
    child.on('message', (m: { ready?: TargetsReady }) => {
      if (m.ready) resolve(m.ready);
    });
  });
  child.removeAllListeners('exit');
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.send('stop');
    });
  return {
    ready,
    stop,
    pid: child.pid,
    cpuMicros: () => ask<number>(child, 'cpu', 'cpuMicros'),
    redisStoreCalls: () => ask<Record<string, number>>(child, 'storeCalls', 'storeCalls'),
  };
}

/** Asks the targets process for one figure: its CPU time so far (µs), or the Redis bridge's store calls so far by method. */
function ask<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (m[key] === undefined) return;
      child.off('message', on);
      resolve(m[key] as T);
    };
    child.on('message', on);
    child.send(message);
  });
}

export async function runHttp(opts: Partial<HttpOptions> = {}): Promise<Section> {
  const o = { ...HTTP_DEFAULTS, ...opts };
  const { ready: t, stop, cpuMicros, redisStoreCalls } = await startTargets(o.latencyMs);
  try {
    const auth = { headers: { authorization: `Bearer ${t.token}` } };
    const templatesUrl = `${t.bridges.sqlite}/interview-templates`;
    // Warm-up: JIT, keep-alive sockets, the templates cache, the SQLite file and the Redis connection.
    await runLoad({ url: t.koaUrl, connections: o.connections, duration: 2 });
    await runLoad({ url: templatesUrl, connections: o.connections, duration: 2, ...auth });
    for (const [url, req] of [[t.sandboxUrl, sandboxRequest(t)], [t.bridges.sqlite, bridgeRequest(t)], [t.bridges.redis, bridgeRequest(t)]] as const) {
      await runLoad({ url, connections: o.connections, duration: 2, overallRate: o.rate, requests: [req] });
    }

    const koa: number[] = [];
    const templates: number[] = [];
    const ratio: number[] = [];
    const koaCpu: number[] = [];
    const templatesCpu: number[] = [];
    type Lat = Array<{ p50: number; p99: number; rps: number }>;
    const createCommands: number[] = [];
    const createRoundTrips: number[] = [];
    const createCalls: string[] = [];
    const lat: { sandbox: Lat; sqlite: Lat; redis: Lat } = { sandbox: [], sqlite: [], redis: [] };
    const burst: { sandbox: Lat; sqlite: Lat; redis: Lat } = { sandbox: [], sqlite: [], redis: [] };
    for (let round = 0; round < o.rounds; round++) {
      // Alternate the order each round so a slow phase of the shared machine does not always hit one side.
      const pair = round % 2 === 0 ? ['koa', 'templates'] : ['templates', 'koa'];
      const got: Record<string, { rps: number; cpuUs: number }> = {};
      for (const which of pair) {
        got[which] = which === 'koa' ? await throughput('bare Koa', t.koaUrl, o, cpuMicros) : await throughput('GET /interview-templates', templatesUrl, o, cpuMicros, auth);
      }
      koa.push(got.koa!.rps);
      templates.push(got.templates!.rps);
      ratio.push(got.templates!.rps / got.koa!.rps);
      koaCpu.push(got.koa!.cpuUs);
      templatesCpu.push(got.templates!.cpuUs);
      // One connection at a steady rate: requests do not queue behind each other, so the figure is what the
      // bridge adds to one creation (Workable sends them one by one as recruiters act).
      lat.sandbox.push(await latency('sandbox invite', `${t.sandboxUrl}/me`, sandboxRequest(t), o, 1, o.steadyRate));
      lat.sqlite.push(await latency('POST /interviews (sqlite)', `${t.bridges.sqlite}/interviews`, bridgeRequest(t), o, 1, o.steadyRate));
      const commandsBefore = await redisCommandsSoFar();
      const callsBefore = await redisStoreCalls();
      const redisRun = await latency('POST /interviews (redis)', `${t.bridges.redis}/interviews`, bridgeRequest(t), o, 1, o.steadyRate);
      // Less the second reading's own INFO: every Redis command the creations caused (inside scripts and MULTI too).
      createCommands.push(((await redisCommandsSoFar()) - commandsBefore - 1) / redisRun.requests);
      // A request autocannon stopped waiting for at the end may still finish at the bridge: let it, then count
      // per creation the bridge made (each new interview is one writeAllAndRelease).
      await new Promise((r) => setTimeout(r, 500));
      const callsAfter = await redisStoreCalls();
      const made = (callsAfter.writeAllAndRelease ?? 0) - (callsBefore.writeAllAndRelease ?? 0);
      const perMethod = Object.entries(callsAfter).map(([k, n]) => [k, (n - (callsBefore[k] ?? 0)) / Math.max(1, made)] as const).filter(([, n]) => n > 0);
      createRoundTrips.push(perMethod.reduce((sum, [, n]) => sum + n, 0));
      createCalls.push(perMethod.map(([k, n]) => `${k} ${fmt(n, 2)}`).join(', '));
      lat.redis.push(redisRun);
      // Ten connections: autocannon releases each second's requests together, so up to ten arrive at once and
      // queue for the CPU; shown for what it says about load, not as the target's measure.
      burst.sandbox.push(await latency('sandbox invite (bursts)', `${t.sandboxUrl}/me`, sandboxRequest(t), o, o.connections, o.rate));
      burst.sqlite.push(await latency('POST /interviews (sqlite, bursts)', `${t.bridges.sqlite}/interviews`, bridgeRequest(t), o, o.connections, o.rate));
      burst.redis.push(await latency('POST /interviews (redis, bursts)', `${t.bridges.redis}/interviews`, bridgeRequest(t), o, o.connections, o.rate));
    }
    const addedIn = (set: typeof lat, kind: 'sqlite' | 'redis', p: 'p50' | 'p99') => median(set[kind].map((r, i) => r[p] - set.sandbox[i]![p]));
    const added = (kind: 'sqlite' | 'redis', p: 'p50' | 'p99') => addedIn(lat, kind, p);
    const mIn = (set: typeof lat, kind: keyof typeof lat, p: 'p50' | 'p99' | 'rps') => median(set[kind].map((r) => r[p]));
    const m = (kind: keyof typeof lat, p: 'p50' | 'p99' | 'rps') => mIn(lat, kind, p);
    const ratioMedian = median(ratio);

    const body = `
${table(
  ['measure', 'bare Koa', 'GET /interview-templates', 'ratio'],
  [
    ['throughput, req/s (10 connections, closed loop)', fmt(median(koa)), fmt(median(templates)), `**${fmt(ratioMedian * 100, 1)} %**`],
    ['server CPU per request, µs (user + system)', fmt(median(koaCpu), 1), fmt(median(templatesCpu), 1), `${fmt(median(templatesCpu) / median(koaCpu), 2)}×`],
  ],
)}

${table(
  ['POST, one connection at ' + o.steadyRate + ' req/s (target)', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'],
  [
    [`sandbox alone (invite mutation, latencyMs ${o.latencyMs})`, fmt(m('sandbox', 'p50'), 2), fmt(m('sandbox', 'p99'), 2), '(baseline)', '(baseline)'],
    ['POST /interviews, SQLite store', fmt(m('sqlite', 'p50'), 2), fmt(m('sqlite', 'p99'), 2), `**${fmt(added('sqlite', 'p50'), 2)}**`, fmt(added('sqlite', 'p99'), 2)],
    ['POST /interviews, Redis store', fmt(m('redis', 'p50'), 2), fmt(m('redis', 'p99'), 2), `**${fmt(added('redis', 'p50'), 2)}**`, fmt(added('redis', 'p99'), 2)],
  ],
)}

Per new interview on Redis, over the one-connection run: **${fmt(median(createRoundTrips), 2)}** store round trips
(the Redis bridge's Store calls, counted by a proxy in the targets process: the lock-and-read script, then the
writes with the release in one MULTI/EXEC; the extra read one id in 64 costs, src/domain/interviewIds.ts, left out as in
test/component/round-trips.test.ts) and
**${fmt(median(createCommands), 1)}** Redis commands (INFO commandstats, commands inside the script and the MULTI counted one by one).
Store calls per creation, by method, round by round: ${createCalls.map((c) => `(${c})`).join('; ')}.

${table(
  ['POST, ' + o.connections + ' connections at ' + o.rate + ' req/s (bursts of up to ' + o.connections + ')', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'],
  [
    ['sandbox alone', fmt(mIn(burst, 'sandbox', 'p50'), 2), fmt(mIn(burst, 'sandbox', 'p99'), 2), '(baseline)', '(baseline)'],
    ['POST /interviews, SQLite store', fmt(mIn(burst, 'sqlite', 'p50'), 2), fmt(mIn(burst, 'sqlite', 'p99'), 2), fmt(addedIn(burst, 'sqlite', 'p50'), 2), fmt(addedIn(burst, 'sqlite', 'p99'), 2)],
    ['POST /interviews, Redis store', fmt(mIn(burst, 'redis', 'p50'), 2), fmt(mIn(burst, 'redis', 'p99'), 2), fmt(addedIn(burst, 'redis', 'p50'), 2), fmt(addedIn(burst, 'redis', 'p99'), 2)],
  ],
)}

How: \`npm run bench:http\`. The servers (bare Koa hello-world, the Hireflix sandbox with a fixed
\`latencyMs: ${o.latencyMs}\`, and two bridges on it, one per store) run in one child process; autocannon runs in the
parent, so load generator and servers each have a core. The bridges run as production does: compiled by tsc
(\`npm run bench\` builds and runs \`dist-bench/\`, as the Dockerfile runs \`dist/\`), \`LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}\` with the access line for every request, written
asynchronously (to /dev/null here, to stdout in production); bare Koa answers the same templates JSON. CPU per
request is the servers' process CPU time (user + system) over the run divided by the requests answered. Throughput: ${o.connections} connections, ${o.seconds} s per run, no pipelining; the
templates are served from the bridge's cache (warmed first). Latency: both sides at the same offered rate, first
one connection at ${o.steadyRate} req/s (the target's measure: nothing queues, so the difference is the bridge's own
path: validation, three store round trips, the upstream call through the adapter), then ${o.connections} connections at
${o.rate} req/s, where autocannon starts each second's requests together and up to ${o.connections} queue for the CPU
(the bridge's per-request CPU, about 1 ms, then shows up multiplied). ${o.seconds} s per run; every request has a unique \`callback_url\` and e-mail
(autocannon \`setupRequest\`), so each one is a real new invitation; the sandbox baseline is the same GraphQL
\`inviteCandidateToInterview\` request the bridge sends. Percentiles are computed from every response's own time
(sub-millisecond), not autocannon's 1 ms histogram. "Added" = bridge minus sandbox in the same round; median of
${o.rounds} rounds, targets alternated.
`;
    return {
      title: '1. Request overhead',
      body,
      targets: [
        { name: 'POST /interviews store round trips on Redis (request path)', goal: '<= 2', measured: fmt(median(createRoundTrips), 2), met: median(createRoundTrips) <= 2 },
        { name: 'GET /interview-templates throughput, info level with access log, compiled', goal: '>= 80 % of bare Koa', measured: `${fmt(ratioMedian * 100, 1)} % (CPU ${fmt(median(templatesCpu), 1)} vs ${fmt(median(koaCpu), 1)} µs per request)`, met: ratioMedian >= 0.8 },
        { name: 'POST /interviews added over the sandbox, Redis', goal: '<= 1 ms p50, <= 2.5 ms p99', measured: `${fmt(added('redis', 'p50'), 2)} ms p50, ${fmt(added('redis', 'p99'), 2)} ms p99`, met: added('redis', 'p50') <= 1 && added('redis', 'p99') <= 2.5 },
        { name: 'POST /interviews added p50 over the sandbox, SQLite', goal: '<= 1.5 ms', measured: `${fmt(added('sqlite', 'p50'), 2)} ms`, met: added('sqlite', 'p50') <= 1.5 },
      ],
    };
  } finally {
    await stop();
  }
}

if (isMain(import.meta.url)) await runStandalone(() => runHttp());
