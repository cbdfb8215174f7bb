/**
 * Redis for the tests (its URL, unique prefixes, key cleanup, a throwaway redis-server) and the store suites'
 * timing assertions.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { createClient } from '@keyv/redis';
import { expect } from 'chai';
import { StoreUnavailableError } from '../../src/store/index.js';

/**
 * The Redis the tests use: TEST_REDIS_URL, or the local default. (Never REDIS_URL, which may name the
 * Redis of a bridge running on this machine: every test deletes the keys it wrote, but under its own prefix.)
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, so runs can share the development Redis. */
export function uniquePrefix(label: string): string {
  return `test-store-${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts that `call` rejects with StoreUnavailableError, and does so within `withinMs`. */
export async function expectUnavailable(call: () => Promise<unknown>, withinMs: number): Promise<void> {
  const started = Date.now();
  let caught: unknown;
  let resolved = false;
  try {
    await call();
    resolved = true;
  } catch (error) {
    caught = error;
  }
  const elapsed = Date.now() - started;
  expect(resolved, 'call resolved instead of rejecting').to.equal(false);
  expect(caught).to.be.instanceOf(StoreUnavailableError);
  expect(elapsed, `took ${elapsed} ms`).to.be.below(withinMs);
}

/** Polls `probe` until it resolves, failing after `timeoutMs`. */
export async function eventually(probe: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Deletes every key under `prefix` (SCAN + DEL, never FLUSHALL). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A private redis-server (no persistence unless `extra` says otherwise) on `port`; resolves once it accepts
 * connections. `extra` arguments come last, so they override the defaults (e.g. `--appendonly yes`).
 */
export async function startRedisServer(port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extra],
    { stdio: 'ignore' },
  );
  await eventually(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      }),
    10_000,
  );
  return child;
}

/** Stops a server started by startRedisServer and waits for it to exit. */
export async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
