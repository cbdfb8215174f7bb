/**
 * accounts.yaml: one entry per Workable account, validated and turned into AccountConfig with its secrets
 * resolved. Used at start-up and for a reload while running (SIGHUP, file watch).
 */
import { accountsFileSchema } from './schema.js';
import { deepFreeze, joiProblems, NOT_YAML, readYaml, secretReader } from './parsing.js';
import type { SecretFn } from './parsing.js';
import type { AccountsFile } from './schema.js';
import type { AccountConfig, UpstreamConfig } from './types.js';

export function validateAccounts(raw: unknown, fileName: string, secret: SecretFn, mappings: ReadonlySet<string>, refusedMappings: ReadonlySet<string>, problems: string[]): AccountConfig[] {
  const a = accountsFileSchema.validate(raw ?? {}, { abortEarly: false, convert: true });
  problems.push(...joiProblems(fileName, a.error));
  return a.error ? [] : buildAccounts(a.value, fileName, secret, mappings, refusedMappings, problems);
}

/**
 * Only the accounts file, for a reload while running: validated exactly as at start-up, against the mapping
 * profiles in force. `accounts` is set (frozen) only when there is no problem.
 */
export function parseAccountsFile(
  input: { file: string; text: string; env: Record<string, string | undefined>; readSecretFile: (path: string) => string },
  mappings: ReadonlySet<string>,
): { accounts?: readonly AccountConfig[]; problems: string[] } {
  const problems: string[] = [];
  const raw = readYaml(input.file, input.text, problems);
  if (raw === NOT_YAML) return { problems };
  const accounts = validateAccounts(raw, input.file, secretReader(input.env, input.readSecretFile, problems), mappings, new Set(), problems);
  return problems.length > 0 ? { problems } : { accounts: deepFreeze(accounts), problems };
}

function buildAccounts(
  file: AccountsFile,
  fileName: string,
  secret: SecretFn,
  mappings: ReadonlySet<string>,
  refusedMappings: ReadonlySet<string>,
  problems: string[],
): AccountConfig[] {
  return file.accounts.map((a, i) => {
    const at = `accounts.${i}`;
    if (!mappings.has(a.mapping) && !refusedMappings.has(a.mapping)) problems.push(`${fileName}: ${at}.mapping: no mapping profile named "${a.mapping}" in mappings/`);
    if (a.webhooks && !a.upstream.webhook_secret) problems.push(`${fileName}: ${at}.upstream.webhook_secret: required when webhooks is true`);
    const webhookSecret = secret(fileName, `${at}.upstream.webhook_secret`, a.upstream.webhook_secret, a.webhooks);
    const apiKey = secret(fileName, `${at}.upstream.api_key`, a.upstream.api_key, true) ?? '';
    const upstream: UpstreamConfig =
      a.upstream.kind === 'vervoe'
        ? {
            kind: 'vervoe',
            baseUrl: a.upstream.base_url.replace(/\/+$/, ''),
            apiKey,
            secretKey: secret(fileName, `${at}.upstream.secret_key`, a.upstream.secret_key, true) ?? '',
            ...(webhookSecret ? { webhookSecret } : {}),
            webhookToleranceSeconds: a.upstream.webhook_tolerance_seconds,
            timeoutMs: a.upstream.timeout_ms,
          }
        : {
            kind: 'hireflix',
            endpoint: a.upstream.endpoint,
            apiKey,
            ...(webhookSecret ? { webhookSecret } : {}),
            timeoutMs: a.upstream.timeout_ms,
          };
    return {
      id: a.id,
      name: a.name,
      tokenSha256: a.token_sha256,
      workableToken: secret(fileName, `${at}.workable_token`, a.workable_token, true) ?? '',
      upstream,
      mapping: a.mapping,
      defaultCountry: a.default_country,
      webhooks: a.webhooks,
    };
  });
}

