import { performance } from 'node:perf_hooks';
import type { Metrics } from '../metrics.js';
import { UpstreamError } from './types.js';
import type { Upstream } from './types.js';

/** The outcome label of a failed call: the typed failure when the adapter gave one, else "error". */
function failureOf(err: unknown): string {
  return err instanceof UpstreamError ? err.failure : 'error';
}

/**
 * Wraps every method of an Upstream so each call is counted by operation and outcome and timed. Written
 * as an object literal on purpose: a method added to the Upstream interface fails to compile here until it
 * is instrumented too.
 */
export function instrumentUpstream(upstream: Upstream, metrics: Metrics): Upstream {
  const kind = upstream.kind;
  const record = (operation: string, outcome: string, started: number): void =>
    metrics.upstreamCall(kind, operation, outcome, (performance.now() - started) / 1000);

  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      record(operation, 'ok', started);
      return result;
    } catch (err) {
      record(operation, failureOf(err), started);
      throw err;
    }
  }

  return {
    kind,
    ...(upstream.echoesExternalId !== undefined ? { echoesExternalId: upstream.echoesExternalId } : {}),
    listTemplates: () => timed('listTemplates', () => upstream.listTemplates()),
    invite: (input) => timed('invite', () => upstream.invite(input)),
    getInterview: (id) => timed('getInterview', () => upstream.getInterview(id)),
    shareLink: (id, days) => timed('shareLink', () => upstream.shareLink(id, days)),
    archive: (id) => timed('archive', () => upstream.archive(id)),
    listChangedSince: (since) => timed('listChangedSince', () => upstream.listChangedSince(since)),
    // Go-live diagnostics are operator calls, passed through unmeasured.
    ...(upstream.webhookEvents ? { webhookEvents: upstream.webhookEvents } : {}),
    ...(upstream.graphqlDocuments ? { graphqlDocuments: upstream.graphqlDocuments } : {}),
    ...(upstream.listWebhooks ? { listWebhooks: upstream.listWebhooks.bind(upstream) } : {}),
    ...(upstream.registerWebhook ? { registerWebhook: upstream.registerWebhook.bind(upstream) } : {}),
    ...(upstream.webhookSecret ? { webhookSecret: upstream.webhookSecret.bind(upstream) } : {}),
    ...(upstream.introspect ? { introspect: upstream.introspect.bind(upstream) } : {}),
    ...(upstream.probe ? { probe: upstream.probe.bind(upstream) } : {}),
    // The two webhook methods are local (no network) but counted alike, so a flood of bad bodies shows.
    verifyWebhook: (raw, headers) => {
      const started = performance.now();
      let valid = false;
      try {
        valid = upstream.verifyWebhook(raw, headers);
        return valid;
      } finally {
        record('verifyWebhook', valid ? 'ok' : 'invalid', started);
      }
    },
    parseWebhook: (raw) => {
      const started = performance.now();
      try {
        const hint = upstream.parseWebhook(raw);
        record('parseWebhook', 'ok', started);
        return hint;
      } catch (err) {
        record('parseWebhook', failureOf(err), started);
        throw err;
      }
    },
  };
}
