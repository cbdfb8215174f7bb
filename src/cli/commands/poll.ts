import type { CommandSpec } from '../command.js';
import { str } from '../command.js';
import { CommandFailed, EXIT_FAILED, EXIT_OK } from '../errors.js';

/**
 * `poll`: one poll cycle now, through the scheduler's job registry (poll, then reconcile what it marked,
 * then deliver what reconcile queued), so the CLI cannot drift from what the server does every 30 s.
 */
export const poll: CommandSpec = {
  words: ['poll'],
  summary: 'poll the upstream now, reconcile what changed and deliver the results',
  options: { account: { type: 'string' } },
  usage: `Usage: cli poll [--account ID]

Runs one poll cycle now, exactly as the server's poller does: asks each account's upstream (or only
--account's) which interviews changed since the last poll, reconciles them, and delivers any result that
changed. Prints a summary; logs go to stderr. Exits 1 when the poll of an account failed.
Sandbox mode: the simulated Hireflix only runs inside the server, so start the server first.

Options:
  --account ID   poll only this account

Example:
  npm run cli -- poll --account acme`,
  async run(args) {
    const [{ loadConfig, withStore }, { createContainer }, { Scheduler }, { createLogger }, { default: pino }] = await Promise.all([
      import('../context.js'),
      import('../../container.js'),
      import('../../jobs/scheduler.js'),
      import('../../logger.js'),
      import('pino'),
    ]);
    const config = loadConfig(args.io.env);
    const accountId = str(args, 'account');
    if (accountId !== undefined && !config.accounts.some((a) => a.id === accountId)) {
      throw new CommandFailed(`no account "${accountId}" (configured: ${config.accounts.map((a) => a.id).join(', ')})`);
    }
    // stdout carries the summary, so the bridge's log lines go to stderr.
    const logger = createLogger({ level: config.logging.level, pretty: false, destination: pino.destination({ fd: 2, sync: true }) });
    return withStore(config, async (store) => {
      const scheduler = new Scheduler(createContainer({ config, store, logger }));
      const polls = await scheduler.runJob('poll', 'cli', { accountId });
      const reconciled = await scheduler.runJob('reconcile', 'cli');
      const delivered = await scheduler.runJob('deliver', 'cli');
      let failed = false;
      for (const p of polls) {
        if ('failed' in p) {
          failed = true;
          args.io.out(`poll ${p.accountId}: FAILED: ${p.error}`);
        } else if (p.skipped) {
          args.io.out(`poll ${p.accountId}: skipped (${p.reason})`);
        } else {
          args.io.out(`poll ${p.accountId}: ${p.changes} changed upstream since ${p.since}, ${p.known} known to the bridge (${p.durationMs} ms)`);
        }
      }
      args.io.out(`reconcile: ${reconciled.reconciled} reconciled, ${reconciled.enqueued} queued for Workable, ${reconciled.failed} failed, ${reconciled.skipped} skipped`);
      args.io.out(`deliver: ${delivered.attempted} attempted, ${delivered.delivered} delivered, ${delivered.retried} to retry, ${delivered.dead} dead, ${delivered.skipped} skipped`);
      return failed ? EXIT_FAILED : EXIT_OK;
    });
  },
};
