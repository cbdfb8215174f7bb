/**
 * `npm run sandbox`: runs the Hireflix sandbox alone, for demos and manual testing.
 * Environment: SANDBOX_PORT (default 4010), SANDBOX_API_KEY, SANDBOX_WEBHOOK_SECRET, SANDBOX_WEBHOOK_URL.
 * This is a development tool, so it reads the environment directly instead of going through src/config.
 */
import { createHireflixSandbox } from './hireflix/index.js';

const env = process.env;
const port = Number(env.SANDBOX_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got ${env.SANDBOX_PORT ?? ''}`);
  process.exit(2);
}

const sandbox = createHireflixSandbox({
  ...(env.SANDBOX_API_KEY ? { apiKey: env.SANDBOX_API_KEY } : {}),
  ...(env.SANDBOX_WEBHOOK_SECRET ? { webhookSecret: env.SANDBOX_WEBHOOK_SECRET } : {}),
  ...(env.SANDBOX_WEBHOOK_URL ? { webhookUrl: env.SANDBOX_WEBHOOK_URL } : {}),
});

const base = await sandbox.listen(port, '127.0.0.1');
const positions = sandbox.state.store.positions();
console.log(
  [
    `Hireflix sandbox listening on ${base}`,
    `  GraphQL endpoint:  POST ${base}/me   (header X-API-KEY)`,
    `  API key:           ${sandbox.apiKey}`,
    `  Webhook secret:    ${sandbox.webhookSecret}`,
    `  Webhook URL:       ${sandbox.state.webhooks.config().url ?? '(none: POST /_sandbox/webhooks {"url": ...})'}`,
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
