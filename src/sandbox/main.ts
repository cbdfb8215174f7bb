/**
 * `npm run sandbox [-- --upstream hireflix|vervoe] [--state FILE]`: runs one simulator alone, for demos and
 * manual testing (docs/sandbox.md, docs/vervoe.md).
 * Environment: SANDBOX_PORT (default 4010 for Hireflix, 4020 for Vervoe), SANDBOX_API_KEY,
 * SANDBOX_SECRET_KEY (Vervoe), SANDBOX_WEBHOOK_SECRET, SANDBOX_WEBHOOK_URL, SANDBOX_STATE_FILE (as --state).
 * This is a development tool, so it reads the environment directly instead of going through src/config.
 */
import { parseArgs } from 'node:util';
import { createHireflixSandbox } from './hireflix/index.js';
import { createVervoeSandbox } from './vervoe/index.js';
import type { SandboxListener } from './common/listener.js';

const USAGE = 'usage: npm run sandbox [-- --upstream hireflix|vervoe] [--state FILE]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let args: { upstream?: string; state?: string; help?: boolean };
try {
  args = parseArgs({ options: { upstream: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const upstream = args.upstream ?? 'hireflix';
if (upstream !== 'hireflix' && upstream !== 'vervoe') fail(`--upstream must be hireflix or vervoe, got ${upstream}`);

const env = process.env;
const port = Number(env.SANDBOX_PORT ?? (upstream === 'vervoe' ? 4020 : 4010));
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`SANDBOX_PORT must be a port number, got ${env.SANDBOX_PORT ?? ''}`);
const stateFile = args.state ?? env.SANDBOX_STATE_FILE;
const common = {
  ...(env.SANDBOX_API_KEY ? { apiKey: env.SANDBOX_API_KEY } : {}),
  ...(env.SANDBOX_WEBHOOK_SECRET ? { webhookSecret: env.SANDBOX_WEBHOOK_SECRET } : {}),
  ...(env.SANDBOX_WEBHOOK_URL ? { webhookUrl: env.SANDBOX_WEBHOOK_URL } : {}),
  ...(stateFile ? { stateFile } : {}),
};
const kept = `  State:             ${stateFile ? `kept in ${stateFile}` : 'in memory (--state FILE keeps it across restarts)'}`;

async function listen(s: SandboxListener): Promise<string> {
  try {
    return await s.listen(port, '127.0.0.1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') fail(`port ${port} is in use: set SANDBOX_PORT to a free one`);
    throw err;
  }
}

let sandbox: SandboxListener;
if (upstream === 'hireflix') {
  const hf = createHireflixSandbox(common);
  sandbox = hf;
  const base = await listen(hf);
  const positions = hf.state.store.positions();
  console.log(
    [
      `Hireflix sandbox listening on ${base}`,
      `  GraphQL endpoint:  POST ${base}/me   (header X-API-KEY)`,
      `  API key:           ${hf.apiKey}`,
      `  Webhook secret:    ${hf.webhookSecret}`,
      `  Webhook URL:       ${hf.state.webhooks.config().url ?? '(none: POST /_sandbox/webhooks {"url": ...})'}`,
      kept,
      '  Positions:',
      ...positions.map((p) => `    ${p.id}  ${p.name}${p.archived === null ? '' : '  [archived]'}`),
      '  Control API (JSON, see docs/sandbox.md):',
      `    GET  ${base}/_sandbox/interviews?email=&externalId=`,
      `    POST ${base}/_sandbox/interviews/:id/start | finish | score | shortlist | discard | delete`,
      `    POST ${base}/_sandbox/webhooks {url?, secret?, enabled?}    GET ${base}/_sandbox/webhooks/deliveries`,
      `    POST ${base}/_sandbox/faults {mode: rate_limit|error|timeout, count, retryAfterSeconds?}`,
      `    GET  ${base}/_sandbox/invitations | /_sandbox/stats    POST ${base}/_sandbox/reset`,
    ].join('\n'),
  );
} else {
  const vv = createVervoeSandbox({ ...common, ...(env.SANDBOX_SECRET_KEY ? { secretKey: env.SANDBOX_SECRET_KEY } : {}) });
  sandbox = vv;
  const base = await listen(vv);
  console.log(
    [
      `Vervoe sandbox listening on ${base}`,
      `  API base (base_url): ${base}/api   (GET /api/public/ats-api/token with Basic apiKey:secretKey, then Bearer)`,
      `  API key:           ${vv.apiKey}`,
      `  Secret key:        ${vv.secretKey}`,
      `  Webhook secret:    ${vv.webhookSecret}`,
      `  Webhook URL:       ${vv.state.webhooks.config().url ?? '(none: POST /_sandbox/webhooks {"url": ...})'}`,
      kept,
      '  Assessments:',
      ...vv.state.store.assessments().map((a) => `    ${a.slug}  ${a.name}`),
      '  Control API (JSON, see docs/vervoe.md):',
      `    GET  ${base}/_sandbox/candidates?email=&slug=    GET ${base}/_sandbox/candidates/:uuid`,
      `    POST ${base}/_sandbox/candidates/:uuid/start | complete | score | expire | reject | hire | delete`,
      `    POST ${base}/_sandbox/webhooks {url?, secret?, enabled?}    GET ${base}/_sandbox/webhooks/deliveries`,
      `    POST ${base}/_sandbox/faults {mode: rate_limit|error|timeout, count, retryAfterSeconds?}`,
      `    GET  ${base}/_sandbox/invitations | /_sandbox/stats    POST ${base}/_sandbox/tokens/revoke | /_sandbox/reset`,
    ].join('\n'),
  );
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, closing the sandbox`);
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
