import type { CommandSpec } from '../command.js';
import { flag } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { json, table } from '../io.js';

/** `accounts list`: what each account is wired to, never a secret (only the number of token hashes). */
export const accountsList: CommandSpec = {
  words: ['accounts', 'list'],
  summary: 'list the configured Workable accounts (no secrets)',
  options: { json: { type: 'boolean' } },
  usage: `Usage: cli accounts list [--json]

Lists every account in the configuration: id, name, upstream kind, mapping profile, whether Hireflix
webhooks are received, and how many token hashes are accepted (two during a rotation). Never prints a
token, key or secret. In sandbox mode this is the one demo account.

Options:
  --json   print a JSON array instead of a table

Example:
  npm run cli -- accounts list --json`,
  async run(args) {
    const { loadConfig } = await import('../context.js');
    const config = loadConfig(args.io.env);
    const rows = config.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      upstream: a.upstream.kind,
      mapping: a.mapping,
      webhooks: a.webhooks,
      tokenHashes: a.tokenSha256.length,
    }));
    if (flag(args, 'json')) {
      args.io.out(json(rows));
      return EXIT_OK;
    }
    args.io.out(
      table(
        ['ID', 'NAME', 'UPSTREAM', 'MAPPING', 'WEBHOOKS', 'TOKENS'],
        rows.map((r) => [r.id, r.name, r.upstream, r.mapping, r.webhooks ? 'on' : 'off', String(r.tokenHashes)]),
      ),
    );
    return EXIT_OK;
  },
};
