import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseConfig } from '../../../src/config/load.js';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');
const accounts = (upstream: string) => `accounts:
  - id: initech
    name: Initech
    token_sha256: ["${'a'.repeat(64)}"]
    workable_token: { env: WK }
    upstream:
${upstream}
`;
const parse = (yaml: string) =>
  parseConfig({
    dir: 'config',
    accountsYaml: yaml,
    mappings: { hireflix: read('config/mappings/hireflix.yaml'), vervoe: read('config/mappings/vervoe.yaml') },
    env: { WK: 'wk', VK: 'vk', VS: 'vs', VW: 'vw' },
    readSecretFile: () => 'from-file',
    sandboxSecrets: { inboundToken: 'x', workableToken: 'x', apiKey: 'x', webhookSecret: 'x' },
  });

describe('configuration of a Vervoe account', () => {
  it('reads its keys with their defaults, and picks the vervoe profile', () => {
    const { config, problems } = parse(accounts('      kind: vervoe\n      api_key: { env: VK }\n      secret_key: { file: /run/secrets/vs }\n      webhook_secret: { env: VW }'));
    expect(problems).to.deep.equal([]);
    expect(config!.accounts[0]!.upstream).to.deep.equal({
      kind: 'vervoe', baseUrl: 'https://api.vervoe.com/api', apiKey: 'vk', secretKey: 'from-file', webhookSecret: 'vw', webhookToleranceSeconds: 300, timeoutMs: 10000,
    });
    expect(config!.accounts[0]!.mapping).to.equal('vervoe');
  });

  it('names a missing secret key, a Hireflix-only key, and lists both kinds for an unknown one', () => {
    expect(parse(accounts('      kind: vervoe\n      api_key: { env: VK }\n      endpoint: http://x\n      webhook_secret: { env: VW }')).problems).to.deep.equal([
      'config/accounts.yaml: accounts.0.upstream.secret_key: is required',
      'config/accounts.yaml: accounts.0.upstream.endpoint: is not allowed',
    ]);
    expect(parse(accounts('      kind: willo\n      api_key: { env: VK }')).problems).to.deep.equal([
      'config/accounts.yaml: accounts.0.upstream.kind: must be one of [hireflix, vervoe]',
    ]);
  });

  it('keeps a Hireflix account as it was', () => {
    const { config } = parse(accounts('      kind: hireflix\n      api_key: { env: VK }\n      webhook_secret: { env: VW }'));
    expect(config!.accounts[0]!.upstream).to.deep.equal({ kind: 'hireflix', endpoint: 'https://api.hireflix.com/me', apiKey: 'vk', webhookSecret: 'vw', timeoutMs: 10000 });
    expect(config!.accounts[0]!.mapping).to.equal('hireflix');
  });
});
