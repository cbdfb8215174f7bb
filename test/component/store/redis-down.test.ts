/**
 * Redis failure behaviour: fast StoreUnavailableError while unreachable or stalled, no crash from client
 * errors, no password in logs, and self-recovery when a (private, spawned) redis-server comes back.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { expect } from 'chai';
import { createStore, type RedisStore } from '../../../src/store/index.js';
import { freePort } from '../../support/http.js';
import { eventually, expectUnavailable, redisServerOnPath, sleep, startRedisServer, stopRedisServer, uniquePrefix } from '../../support/redis.js';

interface LogEntry {
  obj: object;
  msg: string;
}

describe('RedisStore when Redis is unreachable', () => {
  const logs: LogEntry[] = [];
  let store: RedisStore;

  before(async () => {
    const started = Date.now();
    // Port 1 refuses connections; the password must never reach the log.
    store = await createStore({
      kind: 'redis',
      url: 'redis://bridge:s3cret-pw@127.0.0.1:1',
      prefix: uniquePrefix('down'),
      logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
    });
    expect(Date.now() - started, 'createStore resolves without waiting out the outage').to.be.below(3000);
  });
  after(() => store.close());

  it('rejects every kind of call with StoreUnavailableError within 3 s', async () => {
    await expectUnavailable(() => store.ping(), 3000);
    await expectUnavailable(() => store.get('k'), 3000);
    await expectUnavailable(() => store.getMany(['k', 'l']), 3000);
    await expectUnavailable(() => store.set('k', { v: 1 }), 3000);
    await expectUnavailable(() => store.delete('k'), 3000);
    await expectUnavailable(() => store.setIfAbsent('k', 'v', 1000), 3000);
    await expectUnavailable(() => store.releaseClaim('k', 'v'), 3000);
    await expectUnavailable(() => store.zadd('i', 'm', 1), 3000);
    await expectUnavailable(() => store.zrangeByScore('i', 10, 10), 3000);
  });

  it('fails at once while offline rather than waiting out the 2 s command timeout', async () => {
    await expectUnavailable(() => store.get('k'), 500);
  });

  it('keeps failing (not hanging, not crashing) while reconnect attempts continue', async () => {
    await sleep(600); // several background reconnect attempts, each emitting a client 'error'
    await expectUnavailable(() => store.get('k'), 3000);
  });

  it('logs the outage once, without the password', () => {
    expect(logs).to.have.length(1);
    expect(logs[0]?.msg).to.equal('redis store unavailable');
    expect(logs[0]?.obj).to.have.property('target', '127.0.0.1:1');
    expect(JSON.stringify(logs)).to.not.include('s3cret-pw');
  });
});

describe('RedisStore against a server that accepts but never answers', () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket); // swallow everything, reply nothing
  });
  let store: RedisStore;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    store = await createStore({
      kind: 'redis',
      url: `redis://127.0.0.1:${address.port}`,
      prefix: uniquePrefix('mute'),
      connectTimeoutMs: 500,
    });
  });
  after(async () => {
    await store.close();
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('rejects with StoreUnavailableError within 3 s instead of hanging', async () => {
    await expectUnavailable(() => store.ping(), 3000);
    await expectUnavailable(() => store.set('k', 1), 3000);
  });
});

describe('RedisStore outage and recovery (private redis-server)', function () {
  let server: ChildProcess | undefined;
  let store: RedisStore | undefined;
  let port = 0;
  const messages: string[] = [];

  before(async function () {
    if (!redisServerOnPath()) {
      this.skip(); // needs the redis-server binary to start and stop a private Redis
    }
    port = await freePort();
    server = await startRedisServer(port);
    store = await createStore({
      kind: 'redis',
      url: `redis://127.0.0.1:${port}`,
      prefix: uniquePrefix('recover'),
      commandTimeoutMs: 500,
      logger: { warn: (_obj, msg) => messages.push(msg) },
    });
  });
  after(async () => {
    await store?.close();
    if (server) await stopRedisServer(server);
  });

  it('fails fast while the server is down and recovers by itself when it returns', async () => {
    if (!store || !server) throw new Error('set-up did not run');
    await store.set('before', { ok: true });
    expect(await store.get('before')).to.deep.equal({ ok: true });

    await stopRedisServer(server);
    await expectUnavailable(() => store!.ping(), 3000);
    await expectUnavailable(() => store!.get('before'), 3000);
    await expectUnavailable(() => store!.setIfAbsent('lock', 'me', 1000), 3000);

    server = await startRedisServer(port);
    await eventually(() => store!.ping(), 10_000);
    // The new server started empty (no persistence): the store works again against it.
    expect(await store.get('before')).to.equal(undefined);
    await store.set('after', [1, 2]);
    expect(await store.get('after')).to.deep.equal([1, 2]);
    expect(await store.setIfAbsent('lock', 'me', 1000)).to.equal(true);
    expect(messages).to.deep.equal(['redis store unavailable', 'redis store connection restored']);
  });

  it('times out a stalled command with StoreUnavailableError, then carries on', async () => {
    if (!store || !server) throw new Error('set-up did not run');
    await eventually(() => store!.ping(), 10_000);
    // Stall every client of the private server for 1.5 s; the store's 500 ms command timeout must fire first.
    const { createClient } = await import('@keyv/redis');
    const admin = createClient({ url: `redis://127.0.0.1:${port}` });
    admin.on('error', () => undefined);
    await admin.connect();
    await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
    try {
      await expectUnavailable(() => store!.get('after'), 1200);
    } finally {
      admin.destroy();
    }
    await eventually(async () => expect(await store!.get('after')).to.deep.equal([1, 2]), 5000);
  });
});
