/**
 * compose.yaml and deploy/haproxy.cfg agree with the bridge's own settings (config/bridge.yaml), so that a
 * change of timeouts or ports on one side shows up here. No Docker engine is needed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string): string => readFileSync(join(repo, p), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  env_file?: string;
  volumes?: string[];
  ports?: string[];
  read_only?: boolean;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
const compose = parseYaml(read('compose.yaml')) as { services: Record<string, Service> };
const bridgeYaml = parseYaml(read('config/bridge.yaml')) as { server: { port: number; shutdown_timeout_ms: number; request_timeout_ms: number; keep_alive_timeout_ms: number } };
const haproxy = read('deploy/haproxy.cfg');
const { redis, bridge, lb } = compose.services as Record<'redis' | 'bridge' | 'lb', Service>;
const seconds = (s: string): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(s);
  if (!m) throw new Error(`not a duration: ${s}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2] as 'ms' | 's' | 'm'];
};

describe('compose.yaml', () => {
  it('runs exactly redis, bridge and lb', () => {
    expect(Object.keys(compose.services).sort()).to.deep.equal(['bridge', 'lb', 'redis']);
  });

  it('runs Redis 7 with AOF persistence on a volume and a ping health check', () => {
    expect(redis.image).to.equal('redis:7-alpine');
    expect(redis.command).to.deep.equal(['redis-server', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '']);
    expect(redis.volumes).to.deep.equal(['redis-data:/data']);
    expect(redis.healthcheck?.test).to.deep.equal(['CMD', 'redis-cli', 'ping']);
    expect(redis.ports).to.equal(undefined);
  });

  it('runs two bridge replicas from the Dockerfile on the shared Redis', () => {
    expect(bridge.build).to.equal('.');
    expect(bridge.deploy?.replicas).to.equal(2);
    expect(bridge.environment?.REDIS_URL).to.equal('redis://redis:6379');
    expect(bridge.depends_on).to.deep.equal({ redis: { condition: 'service_healthy' } });
  });

  it('mounts config read-only and takes secrets from the environment', () => {
    expect(bridge.volumes).to.deep.equal(['./config:/app/config:ro']);
    expect(bridge.env_file).to.equal('.env');
    expect(bridge.read_only).to.equal(true);
    expect(bridge.environment?.PUBLIC_BASE_URL).to.match(/^\$\{PUBLIC_BASE_URL:\?/);
  });

  it(`gives the bridge longer to stop than server.shutdown_timeout_ms (${bridgeYaml.server.shutdown_timeout_ms} ms)`, () => {
    expect(seconds(bridge.stop_grace_period!)).to.be.greaterThan(bridgeYaml.server.shutdown_timeout_ms / 1000);
  });

  it('publishes only the balancer, on port 3000, once the bridges are healthy', () => {
    expect(lb.image).to.match(/^haproxy:\d+\.\d+-alpine$/);
    expect(lb.ports).to.deep.equal(['127.0.0.1:3000:3000']);
    expect(bridge.ports).to.equal(undefined);
    expect(lb.volumes).to.deep.equal(['./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    expect(lb.depends_on).to.deep.equal({ bridge: { condition: 'service_healthy' } });
    expect(lb.healthcheck?.test).to.deep.equal(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/healthz']);
  });
});

describe('deploy/haproxy.cfg', () => {
  const setting = (name: string): string => {
    const m = new RegExp(`^\\s*${name}\\s+(.+)$`, 'm').exec(haproxy);
    if (!m) throw new Error(`haproxy.cfg has no "${name}"`);
    return m[1]!.trim();
  };

  it(`listens on 3000 and sends to the bridge service's port ${bridgeYaml.server.port}`, () => {
    expect(setting('bind')).to.equal(':3000');
    expect(setting('server-template')).to.equal(`bridge 4 bridge:${bridgeYaml.server.port}`);
  });

  it('routes only to replicas whose /readyz answers 200', () => {
    expect(setting('http-check send')).to.equal('meth GET uri /readyz');
    expect(setting('http-check expect')).to.equal('status 200');
    expect(setting('default-server')).to.match(/^check .*resolvers docker/);
  });

  it('waits longer than the bridge for a response, and drops idle connections before the bridge does', () => {
    expect(seconds(setting('timeout server'))).to.be.greaterThan(bridgeYaml.server.request_timeout_ms / 1000);
    expect(seconds(setting('timeout http-keep-alive'))).to.be.lessThan(bridgeYaml.server.keep_alive_timeout_ms / 1000);
  });

  it('retries only failed connections, never a request a bridge received', () => {
    expect(haproxy).to.not.match(/^\s*retry-on/m);
    expect(setting('retries')).to.equal('2');
  });
});
