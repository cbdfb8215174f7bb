import type { CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `config validate`: the server's own parser over every file; problems make loadConfig throw (exit 2). */
export const configValidate: CommandSpec = {
  words: ['config', 'validate'],
  summary: 'validate every configuration file and the secrets they reference',
  usage: `Usage: cli config validate

Reads CONFIG_DIR (default: config) exactly as the server does: bridge.yaml, accounts.yaml, mappings/*.yaml,
and the environment variables or files every secret points to. Prints every problem with its file and key
and exits 2 when there is any; otherwise prints a one-line summary and exits 0. Warnings (a valid setting
that is almost certainly wrong in production, such as no https public_base_url) follow the summary, one
"warning:" line each, and do not change the exit code (\`cli doctor\` fails on them).

Example:
  CONFIG_DIR=/etc/bridge npm run cli -- config validate`,
  async run({ io }) {
    const { describeStore, loadConfigWithWarnings } = await import('../context.js');
    const { config, warnings } = loadConfigWithWarnings(io.env);
    const accounts = config.accounts.map((a) => a.id).join(', ');
    const mappings = Object.keys(config.mappings).sort().join(', ');
    io.out(
      `config OK: mode ${config.mode}; ${plural(config.accounts.length, 'account')} (${accounts}); ` +
        `${plural(Object.keys(config.mappings).length, 'mapping')} (${mappings}); store ${describeStore(config)}` +
        warnings.map((w) => `\nwarning: ${w}`).join(''),
    );
    return EXIT_OK;
  },
};
