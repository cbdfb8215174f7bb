import { createHash, randomBytes } from 'node:crypto';
import type { CommandSpec } from '../command.js';
import { str } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';

/** 32 random bytes: well above the 24 the contract's tokens need, and 43 characters of base64url. */
const TOKEN_BYTES = 32;

/** `token create`: a token for Workable and the hash to configure. Writes nothing anywhere but stdout. */
export const tokenCreate: CommandSpec = {
  words: ['token', 'create'],
  summary: 'generate a token for Workable and the sha256 to put under token_sha256',
  options: { account: { type: 'string' } },
  usage: `Usage: cli token create [--account ID]

Generates a random token (${TOKEN_BYTES} bytes, base64url) and prints it once, with its sha256 in hex.
Give the token to the customer to paste into Workable; put only the hash in config/accounts.yaml under
the account's token_sha256. Nothing is written to disk: copy the token now, it cannot be shown again.

Options:
  --account ID   name the account in the instructions printed

Example:
  npm run cli -- token create --account acme`,
  run(args) {
    const account = str(args, 'account');
    if (account !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(account)) {
      throw new UsageError(`--account must be an account id (letters, digits, _ and -), got "${account}"`, args.usage);
    }
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const hash = createHash('sha256').update(token, 'utf8').digest('hex');
    const where = account ? `the account "${account}"` : 'the account';
    args.io.out(
      [
        `token:  ${token}`,
        `sha256: ${hash}`,
        '',
        `Give the token to Workable for ${where} (shown once, not stored anywhere).`,
        `Add the sha256 under token_sha256 of ${where} in config/accounts.yaml:`,
        `    token_sha256:`,
        `      - "${hash}"`,
        'Rotation: add the new hash beside the old one (a running bridge reloads accounts.yaml when it is saved),',
        'switch Workable to the new token, then remove the old hash.',
      ].join('\n'),
    );
    return EXIT_OK;
  },
};
