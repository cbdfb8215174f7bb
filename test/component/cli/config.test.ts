import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cli } from '../../support/cli.js';
import { ACCOUNTS_YAML, configDir } from '../../support/config.js';

const SECRETS = {
  ACME_WORKABLE_TOKEN: 'wk-acme-secret-value-1234',
  ACME_API_KEY: 'hf-acme-api-key-5678',
  ACME_WEBHOOK_SECRET: 'hf-acme-webhook-secret-9012',
  GLOBEX_API_KEY: 'hf-globex-api-key-3456',
};
const GLOBEX_FILE_SECRET = 'wk-globex-from-file-7890';

describe('cli: config validate, token create, accounts list', function () {
  this.timeout(30_000);
  let dir: string;
  let env: Record<string, string>;

  before(() => {
    dir = configDir({ 'bridge.yaml': 'delivery: { concurrency: 4 }\n' });
    const secretFile = join(dir, 'globex-workable-token');
    writeFileSync(secretFile, `${GLOBEX_FILE_SECRET}\n`);
    writeFileSync(join(dir, 'accounts.yaml'), ACCOUNTS_YAML.replace('SECRET_FILE', secretFile));
    env = { CONFIG_DIR: dir, SQLITE_PATH: join(dir, 'data/bridge.sqlite'), ...SECRETS };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('config validate: a good configuration exits 0 with a one-line summary', async () => {
    const r = await cli(['config', 'validate'], env);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal(
      `config OK: mode configured; 2 accounts (acme, globex); 1 mapping (hireflix); store sqlite ${dir}/data/bridge.sqlite\n` +
        `warning: ${dir}/bridge.yaml: server.public_base_url: not set, so report links sent to Workable and webhook URLs use http://localhost:3000, which only this machine reaches: set server.public_base_url in bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge\n`,
    );
    expect(r.code).to.equal(0);
    const https = await cli(['config', 'validate'], { ...env, PUBLIC_BASE_URL: 'https://bridge.example.com' });
    expect(https.stdout).to.equal(`config OK: mode configured; 2 accounts (acme, globex); 1 mapping (hireflix); store sqlite ${dir}/data/bridge.sqlite\n`);
  });

  it('config validate: accounts.yml is read like accounts.yaml (not silently ignored); both at once is refused', async () => {
    const other = configDir({ 'bridge.yaml': 'server: { public_base_url: "https://bridge.example.com" }\n' });
    try {
      const secretFile = join(other, 'globex-workable-token');
      writeFileSync(secretFile, `${GLOBEX_FILE_SECRET}\n`);
      writeFileSync(join(other, 'accounts.yml'), ACCOUNTS_YAML.replace('SECRET_FILE', secretFile));
      const r = await cli(['config', 'validate'], { ...env, CONFIG_DIR: other, SQLITE_PATH: join(other, 'b.sqlite') });
      expect([r.code, r.stdout]).to.deep.equal([0, `config OK: mode configured; 2 accounts (acme, globex); 1 mapping (hireflix); store sqlite ${other}/b.sqlite\n`]);
      writeFileSync(join(other, 'accounts.yaml'), ACCOUNTS_YAML.replace('SECRET_FILE', secretFile));
      const both = await cli(['config', 'validate'], { ...env, CONFIG_DIR: other });
      expect([both.code, both.stderr]).to.deep.equal([2, `Configuration has 1 problem(s):\n  - ${other}/accounts.yaml and accounts.yml: both exist: keep one (the bridge reads either name, never both)\n`]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('config validate: a broken configuration lists every problem with file and key, exit 2', async () => {
    const broken = configDir({
      'bridge.yaml': 'server: { port: "http" }\ndelivery: { concurrency: 0 }\n',
      'accounts.yaml': ACCOUNTS_YAML.replace('mapping: hireflix', 'mapping: nosuch').replace('SECRET_FILE', '/nonexistent/secret'),
    });
    try {
      const r = await cli(['config', 'validate'], { CONFIG_DIR: broken, ACME_API_KEY: 'x', GLOBEX_API_KEY: 'y' });
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal(
        [
          'Configuration has 6 problem(s):',
          `  - ${broken}/bridge.yaml: server.port: must be a number`,
          `  - ${broken}/bridge.yaml: delivery.concurrency: must be greater than or equal to 1`,
          `  - ${broken}/accounts.yaml: accounts.0.mapping: no mapping profile named "nosuch" in mappings/`,
          `  - ${broken}/accounts.yaml: accounts.0.upstream.webhook_secret: environment variable ACME_WEBHOOK_SECRET is not set`,
          `  - ${broken}/accounts.yaml: accounts.0.workable_token: environment variable ACME_WORKABLE_TOKEN is not set`,
          `  - ${broken}/accounts.yaml: accounts.1.workable_token: cannot read secret file /nonexistent/secret`,
          '',
        ].join('\n'),
      );
      expect(r.code).to.equal(2);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('config validate: a CONFIG_DIR that does not exist is named as such (not as a missing mapping file), exit 2', async () => {
    const r = await cli(['config', 'validate'], { CONFIG_DIR: join(dir, 'nosuch') });
    expect([r.code, r.stdout, r.stderr]).to.deep.equal([
      2,
      '',
      `Configuration has 1 problem(s):\n  - CONFIG_DIR=${join(dir, 'nosuch')}: no such folder: set CONFIG_DIR to the folder that holds bridge.yaml, accounts.yaml and mappings/\n`,
    ]);
  });

  it('config validate: without accounts.yaml it is sandbox mode, and creates no file', async () => {
    const bare = configDir();
    try {
      const r = await cli(['config', 'validate'], { CONFIG_DIR: bare, SQLITE_PATH: join(bare, 'data/b.sqlite') });
      expect(r.stdout).to.equal(`config OK: mode sandbox; 1 account (demo); 1 mapping (hireflix); store sqlite ${bare}/data/b.sqlite\n`);
      expect(r.code).to.equal(0);
      expect(existsSync(join(bare, 'data'))).to.equal(false);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('token create: prints a fresh token once and its sha256', async () => {
    const [a, b] = await Promise.all([cli(['token', 'create', '--account', 'acme']), cli(['token', 'create'])]);
    for (const r of [a, b]) {
      expect(r.code).to.equal(0);
      const token = /^token: {2}([A-Za-z0-9_-]+)$/m.exec(r.stdout)?.[1] ?? '';
      const hash = /^sha256: ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
      expect(Buffer.from(token, 'base64url').length).to.be.at.least(24);
      expect(hash).to.equal(createHash('sha256').update(token).digest('hex'));
      expect(r.stdout.split(token).length - 1, 'token printed exactly once').to.equal(1);
      expect(r.stdout).to.include(`      - "${hash}"`);
      expect(r.stdout).to.include('Rotation: add the new hash beside the old one');
    }
    expect(a.stdout).to.include('for the account "acme"');
    expect(a.stdout.slice(0, 50)).to.not.equal(b.stdout.slice(0, 50));
  });

  it('accounts list: ids, upstream, mapping, webhooks, token count; never a secret', async () => {
    const [text, json] = await Promise.all([cli(['accounts', 'list'], env), cli(['accounts', 'list', '--json'], env)]);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.equal(
      [
        'ID      NAME       UPSTREAM  MAPPING   WEBHOOKS  TOKENS',
        'acme    ACME Corp  hireflix  hireflix  on        2',
        'globex  Globex     hireflix  hireflix  off       1',
        '',
      ].join('\n'),
    );
    expect(json.code).to.equal(0);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      { id: 'acme', name: 'ACME Corp', upstream: 'hireflix', mapping: 'hireflix', webhooks: true, tokenHashes: 2 },
      { id: 'globex', name: 'Globex', upstream: 'hireflix', mapping: 'hireflix', webhooks: false, tokenHashes: 1 },
    ]);
    for (const secret of [...Object.values(SECRETS), GLOBEX_FILE_SECRET, 'a'.repeat(64), 'c'.repeat(64)]) {
      expect(text.stdout + text.stderr + json.stdout + json.stderr).to.not.include(secret);
    }
  });

  it('accounts list: a configuration problem is exit 2, not a crash', async () => {
    const r = await cli(['accounts', 'list'], { CONFIG_DIR: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^Configuration has 4 problem\(s\):\n/);
    expect(r.stderr).to.include(`${dir}/accounts.yaml: accounts.1.upstream.api_key: environment variable GLOBEX_API_KEY is not set`);
  });
});
