/**
 * Sandbox mode's built-in Hireflix simulator, started by the entry point (server.ts) only when the
 * configuration is in sandbox mode: the production path never loads the simulators.
 */
import type { Logger } from 'pino';
import type { BridgeConfig } from '../config/types.js';
import { listenError } from '../listenError.js';
import { createHireflixSandbox } from './hireflix/index.js';

export interface EmbeddedSandbox {
  url: string;
  close(): Promise<void>;
}

export type SandboxStarter = (config: BridgeConfig, logger: Logger) => Promise<EmbeddedSandbox>;

export const startEmbeddedSandbox: SandboxStarter = async (config, logger) => {
  const sb = config.sandbox!;
  const sandbox = createHireflixSandbox({
    apiKey: sb.apiKey,
    webhookSecret: sb.webhookSecret,
    // Registered at start-up, so the sandbox lists the webhook `cli doctor` expects (docs/operations.md).
    webhookUrl: `${config.server.publicBaseUrl}/webhooks/hireflix/demo`,
    stateFile: sb.stateFile,
  });
  let url: string;
  try {
    url = await sandbox.listen(sb.port, '127.0.0.1');
  } catch (err) {
    await sandbox.close().catch(() => undefined);
    throw listenError(err, sb.port, '127.0.0.1', 'SANDBOX_PORT', 'the built-in Hireflix simulator');
  }
  logger.info({ url }, 'Hireflix sandbox listening');
  return { url, close: () => sandbox.close() };
};
