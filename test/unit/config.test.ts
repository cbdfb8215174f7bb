import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseConfig, sha256Hex } from '../../src/config/load.js';
import type { ConfigSources } from '../../src/config/load.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const SHIPPED = { bridgeYaml: read('config/bridge.yaml'), mappings: { hireflix: read('config/mappings/hireflix.yaml') } };
const SB = { inboundToken: 'in-tok', workableToken: 'wk-tok', apiKey: 'sb-key', webhookSecret: 'sb-secret' };

function sources(over: Partial<ConfigSources> = {}): ConfigSources {
  return { dir: 'config', ...SHIPPED, env: {}, readSecretFile: () => 'file-secret\n', sandboxSecrets: SB, ...over };
}

const ACCOUNTS = `
accounts:
  - id: acme
    name: ACME
    token_sha256: [${sha256Hex('acme-token')}]
    workable_token: { env: ACME_WK }
    upstream:
      kind: hireflix
      api_key: { file: /run/secrets/acme_hireflix }
      webhook_secret: { env: ACME_WH }
    mapping: hireflix
`;

describe('configuration', () => {
  it('starts in sandbox mode with no accounts file: local bind, one demo account, local callbacks allowed', () => {
    const { config, problems } = parseConfig(sources());
    expect(problems).to.deep.equal([]);
    expect(config!.mode).to.equal('sandbox');
    expect(config!.server.host).to.equal('127.0.0.1');
    expect(config!.store).to.deep.equal({ kind: 'sqlite', path: 'data/bridge.sqlite', synchronous: 'normal' });
    expect(config!.callbackPolicy).to.deep.equal({ allowedHosts: ['*.workable.com'], allowLocal: true, allowedPorts: [443] });
    expect(config!.accounts.map((a) => a.id)).to.deep.equal(['demo']);
    expect(config!.accounts[0]!.tokenSha256).to.deep.equal([sha256Hex('in-tok')]);
    expect(config!.accounts[0]!.upstream).to.include({ kind: 'hireflix', endpoint: 'http://127.0.0.1:4010/me' });
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config!.accounts[0]!.upstream)).to.equal(true);
  });

  it('reads accounts with secrets from the environment and from files, and keeps the shipped defaults', () => {
    const { config, problems } = parseConfig(sources({ accountsYaml: ACCOUNTS, env: { ACME_WK: 'wk', ACME_WH: 'wh' } }));
    expect(problems).to.deep.equal([]);
    const a = config!.accounts[0]!;
    expect(config!.mode).to.equal('configured');
    expect(config!.server.host).to.equal('0.0.0.0');
    expect(config!.callbackPolicy.allowLocal).to.equal(false);
    expect(a.workableToken).to.equal('wk');
    expect(a.upstream).to.deep.equal({ kind: 'hireflix', endpoint: 'https://api.hireflix.com/me', apiKey: 'file-secret', webhookSecret: 'wh', timeoutMs: 10000 });
    expect(a.defaultCountry).to.equal('US');
    expect(config!.delivery.horizonMs).to.equal(3 * 24 * 3600 * 1000);
  });

  it('switches to Redis when REDIS_URL is set, and takes PORT and PUBLIC_BASE_URL from the environment', () => {
    const { config } = parseConfig(sources({ env: { REDIS_URL: 'redis://r:6379', PORT: '8080', PUBLIC_BASE_URL: 'https://bridge.example.com/' } }));
    expect(config!.store).to.deep.equal({ kind: 'redis', url: 'redis://r:6379', prefix: 'wvb' });
    expect(config!.server.port).to.equal(8080);
    expect(parseConfig(sources({ env: { PORT: '8080' } })).config!.server.publicBaseUrl).to.equal('http://127.0.0.1:8080');
    expect(config!.server.publicBaseUrl).to.equal('https://bridge.example.com');
  });

  it('lists every problem with its file and key, and yields no config', () => {
    const bad = `
server: { port: 70000, public_base_url: "not a url" }
store: { kind: mongo }
delivery: { concurrency: 0 }
poller: { cron: "every minute" }
`;
    const accounts = `
accounts:
  - id: ACME!
    name: x
    token_sha256: [abc]
    workable_token: { env: MISSING_TOKEN }
    upstream: { kind: spark, api_key: { env: K, file: /x } }
`;
    const { config, problems } = parseConfig(sources({ bridgeYaml: bad, accountsYaml: accounts }));
    expect(config).to.equal(undefined);
    expect(problems).to.include.members([
      'config/bridge.yaml: server.port: must be less than or equal to 65535',
      'config/bridge.yaml: server.public_base_url: must be a valid uri with a scheme matching the http|https pattern',
      'config/bridge.yaml: store.kind: must be one of [sqlite, redis]',
      'config/bridge.yaml: delivery.concurrency: must be greater than or equal to 1',
      'config/bridge.yaml: poller.cron: is not a valid cron expression',
      'config/accounts.yaml: accounts.0.token_sha256.0: must be 64 hex characters (sha256 of the token)',
      'config/accounts.yaml: accounts.0.upstream.api_key: must name exactly one of env or file',
    ]);
    expect(problems.some((p) => p.startsWith('config/accounts.yaml: accounts.0.id:'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('config/accounts.yaml: accounts.0.upstream.kind: must be'))).to.equal(true);
  });

  it('names a missing environment variable and an unknown mapping profile', () => {
    const accounts = ACCOUNTS.replace('mapping: hireflix', 'mapping: nope');
    const { problems } = parseConfig(sources({ accountsYaml: accounts, env: { ACME_WH: 'wh' } }));
    expect(problems).to.deep.equal([
      'config/accounts.yaml: accounts.0.mapping: no mapping profile named "nope" in mappings/',
      'config/accounts.yaml: accounts.0.workable_token: environment variable ACME_WK is not set',
    ]);
  });

  it('takes callback_policy.allowed_ports, and names a port that is not one', () => {
    const ok = parseConfig(sources({ bridgeYaml: 'callback_policy: { allowed_ports: [443, 8443] }' }));
    expect(ok.config!.callbackPolicy.allowedPorts).to.deep.equal([443, 8443]);
    const bad = parseConfig(sources({ bridgeYaml: 'callback_policy: { allowed_ports: [443, 70000] }' }));
    expect(bad.problems).to.deep.equal(['config/bridge.yaml: callback_policy.allowed_ports.1: must be less than or equal to 65535']);
  });

  it('takes store.sqlite_synchronous (normal or full, SQLITE_SYNCHRONOUS overriding), and names any other value', () => {
    expect(parseConfig(sources({ bridgeYaml: 'store: { sqlite_synchronous: full }' })).config!.store).to.deep.equal({ kind: 'sqlite', path: 'data/bridge.sqlite', synchronous: 'full' });
    expect(parseConfig(sources({ bridgeYaml: 'store: { sqlite_synchronous: FULL }' })).config!.store).to.include({ synchronous: 'full' });
    expect(parseConfig(sources({ env: { SQLITE_SYNCHRONOUS: 'full' } })).config!.store).to.include({ synchronous: 'full' });
    expect(parseConfig(sources({ bridgeYaml: 'store: { sqlite_synchronous: full }', env: { SQLITE_SYNCHRONOUS: 'normal' } })).config!.store).to.include({ synchronous: 'normal' });
    expect(parseConfig(sources({ bridgeYaml: 'store: { sqlite_synchronous: off }' })).problems).to.deep.equal(['config/bridge.yaml: store.sqlite_synchronous: must be one of [normal, full]']);
    expect(parseConfig(sources({ env: { SQLITE_SYNCHRONOUS: 'off' } })).problems).to.deep.equal(['environment: SQLITE_SYNCHRONOUS must be normal or full, not "off"']);
  });

  it('reports a YAML syntax error with the file name', () => {
    const { problems } = parseConfig(sources({ bridgeYaml: 'server: [unclosed' }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^config\/bridge\.yaml: not valid YAML: /);
  });

  it('one problem per real problem: a broken accounts.yaml is not also "accounts: is required"', () => {
    const { problems } = parseConfig(sources({ accountsYaml: 'accounts:\n  - id: acme\n   name: [bad' }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^config\/accounts\.yaml: not valid YAML: /);
  });

  it('one problem per real problem: a broken mapping profile is not also "no mapping profile named"', () => {
    const { problems } = parseConfig(sources({ accountsYaml: ACCOUNTS, env: { ACME_WK: 'wk', ACME_WH: 'wh' }, mappings: { hireflix: 'status: [unclosed' } }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^config\/mappings\/hireflix\.yaml: not valid YAML: /);
  });

  it('a secret written as a plain string gets the {env}/{file} hint, and the value is not repeated', () => {
    const accounts = ACCOUNTS.replace('workable_token: { env: ACME_WK }', 'workable_token: wk-the-real-secret-123');
    const { problems } = parseConfig(sources({ accountsYaml: accounts, env: { ACME_WH: 'wh' } }));
    expect(problems).to.deep.equal([
      'config/accounts.yaml: accounts.0.workable_token: must be {env: VARIABLE} or {file: /path}, naming where the secret is; secrets are never written in YAML',
    ]);
    const upstream = parseConfig(sources({ accountsYaml: ACCOUNTS.replace('api_key: { file: /run/secrets/acme_hireflix }', 'api_key: hf-key'), env: { ACME_WK: 'wk', ACME_WH: 'wh' } }));
    expect(upstream.problems).to.deep.equal([
      'config/accounts.yaml: accounts.0.upstream.api_key: must be {env: VARIABLE} or {file: /path}, naming where the secret is; secrets are never written in YAML',
    ]);
    const redis = parseConfig(sources({ bridgeYaml: 'store: { kind: redis, redis_url: "redis://r:6379" }' }));
    expect(redis.problems).to.deep.equal([
      'config/bridge.yaml: store.redis_url: must be {env: VARIABLE} or {file: /path}, naming where the secret is; secrets are never written in YAML',
    ]);
  });

  it('a configuration folder that does not exist is named as such, not as a missing mapping file', () => {
    expect(parseConfig(sources({ dirMissing: true, env: { CONFIG_DIR: '/etc/nobridge' } })).problems).to.deep.equal([
      'CONFIG_DIR=/etc/nobridge: no such folder: set CONFIG_DIR to the folder that holds bridge.yaml, accounts.yaml and mappings/',
    ]);
    expect(parseConfig(sources({ dirMissing: true })).problems).to.deep.equal([
      'config: no such folder in the working directory (CONFIG_DIR is not set): run from the project folder, or set CONFIG_DIR to the folder that holds bridge.yaml, accounts.yaml and mappings/',
    ]);
  });

  it('accounts.yml is read like accounts.yaml (and named in messages); both at once is refused', () => {
    const yml = parseConfig(sources({ accountsYaml: ACCOUNTS, fileNames: { bridge: ['bridge.yaml'], accounts: ['accounts.yml'] }, env: { ACME_WH: 'wh' } }));
    expect(yml.problems).to.deep.equal(['config/accounts.yml: accounts.0.workable_token: environment variable ACME_WK is not set']);
    const ok = parseConfig(sources({ accountsYaml: ACCOUNTS, fileNames: { bridge: [], accounts: ['accounts.yml'] }, env: { ACME_WK: 'wk', ACME_WH: 'wh' } }));
    expect([ok.config!.mode, ok.config!.accounts.map((a) => a.id)]).to.deep.equal(['configured', ['acme']]);
    const both = parseConfig(sources({ accountsYaml: ACCOUNTS, fileNames: { bridge: [], accounts: ['accounts.yaml', 'accounts.yml'] }, env: { ACME_WK: 'wk', ACME_WH: 'wh' } }));
    expect(both.problems).to.deep.equal(['config/accounts.yaml and accounts.yml: both exist: keep one (the bridge reads either name, never both)']);
  });

  it('configured mode without an https public_base_url is valid but warned about; sandbox mode is not', () => {
    const env = { ACME_WK: 'wk', ACME_WH: 'wh' };
    expect(parseConfig(sources({ accountsYaml: ACCOUNTS, env })).warnings).to.deep.equal([
      'config/bridge.yaml: server.public_base_url: not set, so report links sent to Workable and webhook URLs use http://localhost:3000, which only this machine reaches: set server.public_base_url in bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge',
    ]);
    expect(parseConfig(sources({ accountsYaml: ACCOUNTS, env: { ...env, PUBLIC_BASE_URL: 'http://bridge.example.com' } })).warnings).to.deep.equal([
      'environment: PUBLIC_BASE_URL: http://bridge.example.com is not https: Workable receives report links on it: set server.public_base_url in bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge',
    ]);
    expect(parseConfig(sources({ accountsYaml: ACCOUNTS, bridgeYaml: 'server: { public_base_url: "http://b.example.com" }', env })).warnings).to.deep.equal([
      'config/bridge.yaml: server.public_base_url: http://b.example.com is not https: Workable receives report links on it: set server.public_base_url in bridge.yaml (or PUBLIC_BASE_URL) to the public https address of the bridge',
    ]);
    expect(parseConfig(sources({ accountsYaml: ACCOUNTS, env: { ...env, PUBLIC_BASE_URL: 'https://bridge.example.com' } })).warnings).to.deep.equal([]);
    expect(parseConfig(sources()).warnings).to.deep.equal([]);
  });

  it('sandbox mode says why: no accounts file, or BRIDGE_MODE=sandbox (which ignores the file there is)', () => {
    expect(parseConfig(sources()).config!.sandbox!.why).to.equal('no config/accounts.yaml');
    expect(parseConfig(sources({ accountsYaml: ACCOUNTS, env: { BRIDGE_MODE: 'sandbox' } })).config!.sandbox!.why).to.equal(
      'BRIDGE_MODE=sandbox; config/accounts.yaml is not read',
    );
  });

  it('the shipped example accounts file is valid once its secrets exist', () => {
    const example = read('config/accounts.example.yaml');
    const { problems } = parseConfig(
      sources({ accountsYaml: example, env: { ACME_WORKABLE_TOKEN: 'a', ACME_HIREFLIX_API_KEY: 'b', ACME_HIREFLIX_WEBHOOK_SECRET: 'c' } }),
    );
    expect(problems).to.deep.equal([]);
  });

  describe('environment overrides (one table, checked by the same schema as bridge.yaml)', () => {
    const problems = (env: Record<string, string>) => parseConfig(sources({ env })).problems;

    it('refuses values the file would refuse, naming the variable and the value', () => {
      expect(problems({ LOG_LEVEL: 'bogus' })).to.deep.equal(['environment: LOG_LEVEL must be trace, debug, info, warn, error, fatal or silent, not "bogus"']);
      expect(problems({ SANDBOX_PORT: 'abc' })).to.deep.equal(['environment: SANDBOX_PORT must be a port number, not "abc"']);
      expect(problems({ PORT: '70000' })).to.deep.equal(['environment: PORT must be a port number, not "70000"']);
      expect(problems({ LOG_PRETTY: 'maybe' })).to.deep.equal(['environment: LOG_PRETTY must be 1 or 0 (also true/false, yes/no, on/off), not "maybe"']);
      expect(problems({ TRUST_PROXY_HOPS: '9' })).to.deep.equal(['environment: TRUST_PROXY_HOPS must be a whole number from 0 to 5, not "9"']);
      expect(problems({ REDIS_PREFIX: 'a b' })).to.deep.equal(['environment: REDIS_PREFIX must be 1 to 40 letters, digits, ":", "_" or "-", not "a b"']);
    });

    it('does not quote a rejected PUBLIC_BASE_URL (it may carry credentials)', () => {
      expect(problems({ PUBLIC_BASE_URL: 'ftp://user:secret@x' })).to.deep.equal(['environment: PUBLIC_BASE_URL must be an http or https URL']);
    });

    it('refuses a REDIS_URL that is not a redis:// URL without quoting it, and a BRIDGE_MODE other than sandbox', () => {
      expect(problems({ REDIS_URL: 'notaurl' })).to.deep.equal(['environment: REDIS_URL must be a redis:// or rediss:// URL']);
      expect(problems({ REDIS_URL: 'http://user:pw@127.0.0.1:6379' })).to.deep.equal(['environment: REDIS_URL must be a redis:// or rediss:// URL']);
      expect(parseConfig(sources({ env: { REDIS_URL: 'rediss://user:pw@cache.internal:6380/2' } })).config!.store.kind).to.equal('redis');
      expect(problems({ BRIDGE_MODE: 'bogus' })).to.deep.equal(['environment: BRIDGE_MODE must be sandbox (or unset), not "bogus"']);
    });

    it('lists environment problems together with the files\' problems', () => {
      const r = parseConfig(sources({ bridgeYaml: 'delivery: { concurrency: 0 }', env: { PORT: 'x' } }));
      expect(r.problems).to.deep.equal(['environment: PORT must be a port number, not "x"', 'config/bridge.yaml: delivery.concurrency: must be greater than or equal to 1']);
    });

    it('takes yes/no spellings for LOG_PRETTY, SANDBOX_PORT for the simulator, and treats an empty variable as unset', () => {
      expect(parseConfig(sources({ env: { LOG_PRETTY: 'yes' } })).config!.logging.pretty).to.equal(true);
      expect(parseConfig(sources({ env: { LOG_PRETTY: 'off' }, stdoutIsTTY: true })).config!.logging.pretty).to.equal(false);
      const c = parseConfig(sources({ env: { SANDBOX_PORT: '4999', PORT: '' } })).config!;
      expect(c.sandbox!.port).to.equal(4999);
      expect(c.accounts[0]!.upstream).to.include({ endpoint: 'http://127.0.0.1:4999/me' });
      expect(c.server.port).to.equal(3000);
      expect(parseConfig(sources({ bridgeYaml: 'sandbox: { port: 4777 }' })).config!.sandbox!.port).to.equal(4777);
    });

    it('an override wins over the file, and a file section that is not a mapping is the file\'s problem', () => {
      expect(parseConfig(sources({ bridgeYaml: 'logging: { level: warn }', env: { LOG_LEVEL: 'debug' } })).config!.logging.level).to.equal('debug');
      expect(parseConfig(sources({ bridgeYaml: 'server: 3', env: { PORT: '8080' } })).problems).to.deep.equal(['config/bridge.yaml: server: must be of type object']);
    });
  });
});
