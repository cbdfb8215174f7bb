/**
 * Issue 10, finding 4: RSS of a bridge process under unauthenticated webhook load, against 127.0.0.1 only.
 *   1. 300 connections each POST a webhook declaring a 1 MB body, send all of it but the last byte, and stall.
 *   2. 100 bad-signature webhook posts at once (under a second).
 * The bridge runs as its own process (`node --import tsx src/server.ts`, configured mode, one Hireflix account,
 * SQLite in a temp dir) from --root (default: this checkout), so the same script measures another checkout
 * (e.g. an export of an older main). RSS is read from /proc/<pid>/status (VmRSS): before the load, its peak
 * sampled every 100 ms during 6 s of stall, and after the bad-signature burst.
 *   node --import tsx bench/stalled-webhooks.ts [--root DIR] [--chunked]
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';

const args = process.argv.slice(2);
const root = resolve(args.includes('--root') ? args[args.indexOf('--root') + 1]! : '.');
const chunked = args.includes('--chunked');
const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wvb-stalled-'));
  const port = await freePort();
  const cfg = join(dir, 'config');
  cpSync(join(root, 'config'), cfg, { recursive: true });
  writeFileSync(join(cfg, 'bridge.yaml'), `${readFileSync(join(root, 'config/bridge.yaml'), 'utf8')}\n`.replace('host: 0.0.0.0', `host: ${HOST}`).replace('level: info', 'level: error'));
  writeFileSync(join(cfg, 'accounts.yaml'), `accounts:
  - id: acme
    name: Acme
    token_sha256: [${createHash('sha256').update('bench-token').digest('hex')}]
    workable_token: { env: BENCH_WORKABLE_TOKEN }
    upstream: { kind: hireflix, endpoint: "http://${HOST}:9/me", api_key: { env: BENCH_API_KEY }, webhook_secret: { env: BENCH_WEBHOOK_SECRET } }
`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, CONFIG_DIR: cfg, PORT: String(port), SQLITE_PATH: join(dir, 'bridge.sqlite'), BENCH_WORKABLE_TOKEN: 'w', BENCH_API_KEY: 'k', BENCH_WEBHOOK_SECRET: 's', LOG_LEVEL: 'error', OPS_TOKEN: 'bench-ops' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`http://${HOST}:${port}/healthz`).then((r) => r.ok).catch(() => false);
      if (up) break;
      if (i > 200) throw new Error('bridge did not start');
      await sleep(100);
    }
    await sleep(1000);
    const before = rssMb(child.pid!);
    const MB = 1024 * 1024;
    const sockets: Socket[] = [];
    const answered = { count: 0 };
    const body = Buffer.alloc(MB - 1, 0x61);
    for (let i = 0; i < 300; i++) {
      const s = connect(port, HOST);
      s.on('error', () => undefined);
      s.once('data', () => answered.count++);
      const head = `POST /webhooks/hireflix/acme HTTP/1.1\r\nHost: ${HOST}:${port}\r\nContent-Type: application/json\r\nX-Hireflix-Signature: AAAA\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${MB}`}\r\n\r\n`;
      s.write(head);
      s.write(chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body);
      sockets.push(s);
    }
    let peak = before;
    for (let t = 0; t < 60; t++) {
      peak = Math.max(peak, rssMb(child.pid!));
      await sleep(100);
    }
    const started = Date.now();
    const statuses: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await fetch(`http://${HOST}:${port}/webhooks/hireflix/acme`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hireflix-signature': 'AAAA' }, body: '{"event":"interview.finish","data":{"id":"x"}}' }).catch(() => undefined);
        const k = res ? String(res.status) : 'error';
        statuses[k] = (statuses[k] ?? 0) + 1;
      }),
    );
    const burstMs = Date.now() - started;
    peak = Math.max(peak, rssMb(child.pid!));
    const after = rssMb(child.pid!);
    console.log(JSON.stringify({ root, mode: chunked ? 'chunked' : 'content-length', rssBeforeMb: before, rssPeakMb: peak, rssAfterBurstMb: after, stalledAnswered: answered.count, badSignatureBurst: { ms: burstMs, statuses } }));
    for (const s of sockets) s.destroy();
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
