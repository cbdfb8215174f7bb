import type { CommandSpec } from '../command.js';
import { flag, str } from '../command.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK } from '../errors.js';
import { json } from '../io.js';

/**
 * `doctor`: the go-live checks (docs/operations.md, "Go-live doctor"). Read-only unless
 * --register-webhooks is given; never writes a secret anywhere.
 */
export const doctor: CommandSpec = {
  words: ['doctor'],
  summary: 'check everything an account needs before Workable is pointed at the bridge',
  options: { account: { type: 'string' }, json: { type: 'boolean' }, 'register-webhooks': { type: 'boolean' } },
  usage: `Usage: cli doctor [--account ID] [--json] [--register-webhooks]

Checks, for each account (or only --account's): the upstream accepts the credentials; for Hireflix, every
GraphQL document the bridge sends validates against the live schema; the upstream's webhook points at
<public_base_url>/webhooks/<upstream>/<account> with the events the bridge needs, signed with the
configured secret; the callback token is set. And for the bridge: public_base_url is https and not local
(configured mode), the store answers and, on Redis, does not evict keys. Each problem is printed with what
to do. Exits 0 when every check holds, 1 when one fails.
Sandbox mode: the simulated Hireflix runs inside the server, so start the server first.

Options:
  --account ID           check only this account
  --json                 print {ok, mode, checks: [{check, account, status, message, fix?, problems?}]}
  --register-webhooks    create (or update) the upstream webhook for this bridge first, where the
                         upstream's API allows it (Hireflix). Prints the signing key masked, never whole.

Example:
  npm run cli -- doctor --account acme --register-webhooks`,
  async run(args) {
    const [{ loadConfig }, checks, { UpstreamRegistry }] = await Promise.all([
      import('../context.js'),
      import('../doctor/checks.js'),
      import('../../upstreams/registry.js'),
    ]);
    const config = loadConfig(args.io.env);
    const accountId = str(args, 'account');
    if (accountId !== undefined && !config.accounts.some((a) => a.id === accountId)) {
      throw new CommandFailed(`no account "${accountId}" (configured: ${config.accounts.map((a) => a.id).join(', ')})`);
    }
    const register = flag(args, 'register-webhooks');
    const results = [checks.checkPublicBaseUrl(config), ...(await checks.checkStore(config))];
    const registry = new UpstreamRegistry();
    for (const account of config.accounts.filter((a) => accountId === undefined || a.id === accountId)) {
      const upstream = registry.forAccount(account);
      const credentials = await checks.checkCredentials(config, account, upstream);
      results.push(credentials);
      if (credentials.status === 'pass') {
        const schema = await checks.checkSchema(account, upstream);
        if (schema) results.push(schema);
        results.push(...(await checks.checkWebhook(config, account, upstream, register)));
      } else {
        results.push({ check: 'webhook', account: account.id, status: 'skip', message: 'not checked: the credentials check failed' });
      }
      results.push(checks.checkCallbackToken(account));
    }
    const failed = results.filter((r) => r.status === 'fail');
    if (flag(args, 'json')) {
      args.io.out(json({ ok: failed.length === 0, mode: config.mode, checks: results }));
    } else {
      const label = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip' } as const;
      const lines = [`Go-live doctor (${config.mode} mode, public_base_url ${config.server.publicBaseUrl})`];
      for (const r of results) {
        lines.push(`${label[r.status]}  ${(r.account ?? '-').padEnd(10)} ${r.check.padEnd(17)} ${r.message}`);
        for (const p of r.problems ?? []) lines.push(`${' '.repeat(35)}- ${p}`);
        if (r.fix && r.status !== 'pass') lines.push(`${' '.repeat(35)}fix: ${r.fix}`);
      }
      const warned = results.filter((r) => r.status === 'warn').length;
      lines.push(
        failed.length === 0
          ? `All checks passed${warned > 0 ? ` (${warned} warning(s))` : ''}: the bridge is ready for Workable.`
          : `${failed.length} problem(s) found: fix them before pointing Workable at the bridge.`,
      );
      args.io.out(lines.join('\n'));
    }
    return failed.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};
