/**
 * The container image, checked without a Docker engine: the Dockerfile's invariants, then its build replayed
 * on this machine (build context from .dockerignore, npm ci, npm run build, npm ci --omit=dev, the COPY lines),
 * then the runtime stage's CMD started with plain node, probed, health-checked and stopped with SIGTERM.
 *
 * Slow (two npm ci runs compile sqlite3 from source): not picked up by `npm test`'s '*.test.ts' glob.
 * Run it with: npx mocha --timeout 600000 test/container/dockerfile.container.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { copyContext, dockerignore, execForm, inherited, parseDockerfile, parentStage, replay, rootImage, splitFlags } from './dockerfile.js';
import type { ReplayedStage, Stage } from './dockerfile.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const one = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const runs = (s: Stage) => one(s, 'RUN').map((i) => splitFlags(i.args).rest);
const shutdownTimeoutMs = (parseYaml(readFileSync(join(repo, 'config/bridge.yaml'), 'utf8')) as { server: { shutdown_timeout_ms: number } }).server.shutdown_timeout_ms;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => res(port));
    });
  });
}

async function waitFor(url: string, status: number, ms: number): Promise<{ status: number; body: string }> {
  const until = Date.now() + ms;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      const body = await r.text();
      if (r.status === status) return { status: r.status, body };
      last = `${r.status} ${body}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${ms} ms (last: ${last})`);
}

describe('Dockerfile', () => {
  describe('invariants', () => {
    it('is multi-stage, every stage rooted in a supported Node.js LTS bookworm-slim image', () => {
      expect(stages.length).to.be.greaterThanOrEqual(2);
      for (const s of stages) expect(rootImage(stages, s), s.name).to.match(/^node:(22|24)(\.\d+){0,2}-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    });

    it('has a stage that runs npm ci and npm run build, copied into the final stage as dist/', () => {
      const copyDist = one(final, 'COPY').map((i) => splitFlags(i.args)).find((c) => c.rest.endsWith(' ./dist'));
      expect(copyDist?.rest).to.equal('/app/dist ./dist');
      const build = stages.find((s) => s.name === copyDist!.flags.from)!;
      expect(runs(build)).to.deep.equal(['npm ci', 'npm run build']);
    });

    it('installs production dependencies with npm ci --omit=dev on the same base image as the final stage', () => {
      // Either in the final stage itself, or in a stage sharing its base whose node_modules the final stage copies.
      const copyModules = one(final, 'COPY').map((i) => splitFlags(i.args)).find((c) => c.rest.endsWith(' ./node_modules'));
      const source = copyModules ? stages.find((s) => s.name === copyModules.flags.from)! : final;
      expect(runs(source)).to.include('npm ci --omit=dev');
      const ancestors = (s: Stage): string[] => [s.name, ...(parentStage(stages, s) ? ancestors(parentStage(stages, s)!) : [])];
      expect(ancestors(source)).to.include(final.from);
      expect(parentStage(stages, final), 'the final stage builds FROM a stage of this file').to.not.equal(undefined);
    });

    it('keeps the compiler out of the final stage', () => {
      const finalRuns = inherited(stages, final, 'RUN').map((i) => i.args).join('\n');
      expect(finalRuns).to.not.match(/g\+\+|build-essential|python3|\bmake\b/);
    });

    it('runs as the unprivileged node user, with NODE_ENV=production, port 3000 and SIGTERM', () => {
      expect(one(final, 'USER').map((i) => i.args)).to.deep.equal(['node']);
      expect(one(final, 'ENV').map((i) => i.args)).to.deep.equal(['NODE_ENV=production']);
      expect(one(final, 'EXPOSE').map((i) => i.args)).to.deep.equal(['3000']);
      expect(one(final, 'STOPSIGNAL').map((i) => i.args)).to.deep.equal(['SIGTERM']);
      const userAt = one(final, 'USER')[0]!.line;
      expect(one(final, 'RUN').every((i) => i.line < userAt), 'RUN after USER would run unprivileged').to.equal(true);
    });

    it('starts with CMD ["node", "dist/server.js"] in exec form, so SIGTERM reaches node', () => {
      expect(one(final, 'CMD')).to.have.length(1);
      expect(execForm(one(final, 'CMD')[0]!.args)).to.deep.equal(['node', 'dist/server.js']);
      expect(inherited(stages, final, 'ENTRYPOINT')).to.deep.equal([]);
    });

    it('has an exec-form HEALTHCHECK that asks /healthz with node', () => {
      const hc = one(final, 'HEALTHCHECK');
      expect(hc).to.have.length(1);
      const { flags, rest } = splitFlags(hc[0]!.args);
      expect(flags).to.deep.equal({ interval: '15s', timeout: '5s', 'start-period': '20s', retries: '3' });
      const argv = execForm(rest.replace(/^CMD /, ''));
      expect(argv.slice(0, 2)).to.deep.equal(['node', '-e']);
      expect(argv[2]).to.contain("'http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz'");
    });

    it('makes only data/ writable for the node user', () => {
      expect(runs(final)).to.deep.equal(['mkdir -p data && chown node:node data']);
    });
  });

  describe('.dockerignore', () => {
    const ignored = dockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
    const cases: Array<[string, boolean]> = [
      ['node_modules/koa/package.json', true],
      ['dist/server.js', true],
      ['data/bridge.sqlite', true],
      ['.git/HEAD', true],
      ['.env', true],
      ['config/accounts.yaml', true],
      ['test/setup.ts', true],
      ['src/server.ts', false],
      ['config/bridge.yaml', false],
      ['config/accounts.example.yaml', false],
      ['config/mappings/hireflix.yaml', false],
      ['package-lock.json', false],
      ['.npmrc', false],
      ['tsconfig.build.json', false],
    ];
    for (const [path, expected] of cases) {
      it(`${expected ? 'leaves out' : 'keeps'} ${path}`, () => expect(ignored(path)).to.equal(expected));
    }
  });

  describe('replayed on this machine', function () {
    this.timeout(900_000);
    let work = '';
    let context = '';
    const logLines: string[] = [];
    let runtime: ReplayedStage;
    let child: ChildProcess | undefined;
    let output = '';
    let port = 0;
    let sandboxPort = 0;

    before(async function () {
      // apt-get lines install the toolchain in the image; here the same tools must already be on the machine.
      for (const tool of ['python3', 'make', 'g++']) expect(spawnSync('sh', ['-c', `command -v ${tool}`]).status, `${tool} on PATH`).to.equal(0);
      work = mkdtempSync(join(tmpdir(), 'wvb-image-'));
      context = join(work, 'context');
      copyContext(repo, context);
      runtime = await replay(stages, final.name, {
        context,
        workRoot: join(work, 'stages'),
        // Without npm's own variables (set when this runs under `npm run`), so each RUN's npm starts afresh.
        baseEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_ENV$)/.test(k))),
        // The image's headers live under /usr/local; this machine's node keeps them under its own prefix.
        hostOverrides: { npm_config_nodedir: resolve(dirname(process.execPath), '..') },
        isSystemStep: (s) => /^(apt-get|rm -rf \/var\/lib\/apt\/lists|chown|useradd|groupadd)\b/.test(s),
        log: (l) => logLines.push(l),
      });
      [port, sandboxPort] = [await freePort(), await freePort()];
    });

    after(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      if (work && !process.env.KEEP_IMAGE_REPLAY) rmSync(work, { recursive: true, force: true });
    });

    it('took the build context from .dockerignore: sources and config defaults, no accounts.yaml, no tests', () => {
      expect(existsSync(join(context, 'src/server.ts'))).to.equal(true);
      expect(existsSync(join(context, 'config/bridge.yaml'))).to.equal(true);
      expect(existsSync(join(context, 'config/accounts.yaml'))).to.equal(false);
      expect(existsSync(join(context, 'node_modules'))).to.equal(false);
      expect(existsSync(join(context, 'test'))).to.equal(false);
    });

    it('ran every build command and skipped only operating-system steps', () => {
      expect(runtime.ran).to.deep.equal(['mkdir -p data']);
      expect(logLines.filter((l) => l.includes('run: ')).sort()).to.deep.equal(
        ['[build] run: npm ci', '[build] run: npm run build', '[prod-deps] run: npm ci --omit=dev', '[runtime] run: mkdir -p data'].sort(),
      );
      expect(runtime.skipped).to.deep.equal(['chown node:node data']);
    });

    it('lays out the runtime stage with dist/, config/, package.json, production node_modules and a compiled sqlite3', () => {
      for (const p of ['package.json', 'dist/server.js', 'config/bridge.yaml', 'config/mappings/hireflix.yaml', 'data', 'node_modules/koa/package.json']) {
        expect(existsSync(join(runtime.dir, p)), p).to.equal(true);
      }
      expect(existsSync(join(runtime.dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'))).to.equal(true);
      for (const p of ['src', 'node_modules/typescript', 'node_modules/mocha', 'node_modules/tsx', 'package-lock.json']) {
        expect(existsSync(join(runtime.dir, p)), p).to.equal(false);
      }
      expect(runtime.env).to.deep.equal({ NODE_ENV: 'production' });
    });

    it('starts the CMD with plain node and answers /healthz and /readyz with 200', async () => {
      const [cmd, ...args] = execForm(one(final, 'CMD')[0]!.args);
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...runtime.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort) };
      child = spawn(cmd!, args, { cwd: runtime.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 200, 30_000).catch((err: Error) => {
        throw new Error(`${err.message}\n--- bridge output ---\n${output}`);
      });
      expect(JSON.parse(health.body)).to.deep.equal({ status: 'ok' });
      const ready = await waitFor(`http://127.0.0.1:${port}/readyz`, 200, 10_000);
      expect(JSON.parse(ready.body)).to.deep.equal({ status: 'ready', store: 'sqlite', mode: 'sandbox' });
      expect(existsSync(join(runtime.dir, 'data/bridge.sqlite'))).to.equal(true);
    });

    it('passes its own HEALTHCHECK command (exit 0)', () => {
      const argv = execForm(splitFlags(one(final, 'HEALTHCHECK')[0]!.args).rest.replace(/^CMD /, ''));
      const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 5000 });
      expect(r.status, r.stderr.toString()).to.equal(0);
    });

    it(`exits 0 within 20 s of SIGTERM (shutdown_timeout_ms is ${shutdownTimeoutMs})`, async () => {
      expect(child?.exitCode).to.equal(null);
      const started = Date.now();
      const exited = new Promise<number | null>((res) => child!.once('exit', (code) => res(code)));
      child!.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 20_000))]);
      expect(code, output).to.equal(0);
      expect(Date.now() - started).to.be.lessThan(20_000);
      expect(output).to.contain('"msg":"shutting down"');
      expect(output).to.contain('"msg":"shutdown complete"');
    });

    it('fails its HEALTHCHECK once the bridge is gone (exit 1)', () => {
      const argv = execForm(splitFlags(one(final, 'HEALTHCHECK')[0]!.args).rest.replace(/^CMD /, ''));
      const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, PORT: String(port) }, timeout: 5000 });
      expect(r.status).to.equal(1);
    });
  });
});
