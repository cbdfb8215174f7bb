/**
 * bridge.yaml with the environment overrides written in (see env.ts), validated into a typed BridgeFile,
 * and the settings of BridgeConfig that come from it alone.
 */
import { applyEnvOverrides, envProblem } from './env.js';
import { joiMessage, NOT_YAML, readYaml } from './parsing.js';
import { bridgeFileSchema } from './schema.js';
import type { BridgeFile } from './schema.js';
import type { BridgeConfig } from './types.js';

/**
 * The validated file, or undefined with the problems added. A rejected override is named by its variable;
 * everything else by file and key.
 */
export function parseBridgeFile(file: string, text: string | undefined, env: Record<string, string | undefined>, problems: string[]): BridgeFile | undefined {
  const raw = readYaml(file, text, problems) ?? {};
  const { file: merged, applied } = applyEnvOverrides(raw === NOT_YAML ? {} : raw, env);
  const r = bridgeFileSchema.validate(merged, { abortEarly: false, convert: true });
  for (const d of r.error?.details ?? []) {
    const key = d.path.join('.');
    const override = applied.get(key);
    problems.push(override ? envProblem(override, env, joiMessage(d)) : `${file}: ${key || '(root)'}: ${joiMessage(d)}`);
  }
  return r.error || raw === NOT_YAML ? undefined : r.value;
}

/** The settings that are bridge.yaml's keys renamed (everything but mode, server address, store, accounts). */
export function fileSettings(f: BridgeFile, stdoutIsTTY: boolean): Pick<
  BridgeConfig,
  'templatesCacheMs' | 'delivery' | 'poller' | 'expiry' | 'reconcile' | 'webhooks' | 'retention' | 'reports' | 'logging'
> {
  return {
    templatesCacheMs: f.templates_cache_ms,
    delivery: {
      timeoutMs: f.delivery.timeout_ms,
      horizonMs: f.delivery.horizon_ms,
      baseDelayMs: f.delivery.base_delay_ms,
      maxDelayMs: f.delivery.max_delay_ms,
      concurrency: f.delivery.concurrency,
      perHostConcurrency: f.delivery.per_host_concurrency,
      batchSize: f.delivery.batch_size,
      intervalMs: f.delivery.interval_ms,
    },
    poller: { cron: f.poller.cron, overlapMs: f.poller.overlap_ms, initialLookbackMs: f.poller.initial_lookback_ms },
    expiry: { cron: f.expiry.cron },
    reconcile: { concurrency: f.reconcile.concurrency, batchSize: f.reconcile.batch_size },
    webhooks: {
      maxBodyBytes: f.webhooks.max_body_bytes,
      bodyTimeoutMs: f.webhooks.body_timeout_ms,
      badSignatureLimit: f.webhooks.bad_signature_limit,
      badSignatureWindowMs: f.webhooks.bad_signature_window_ms,
    },
    retention: { days: f.retention.days, cron: f.retention.cron },
    reports: { retentionDays: f.reports.retention_days },
    logging: { level: f.logging.level, pretty: f.logging.pretty === 'auto' ? stdoutIsTTY : f.logging.pretty },
  };
}
