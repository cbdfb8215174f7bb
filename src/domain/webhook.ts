/**
 * Webhook ingress as one use case: the signature over the exact bytes received (the upstream compares in
 * constant time), the body read as a change hint, the bridge interviews it concerns found, and each marked
 * for reconcile (durably: a crash right after the answer loses nothing). Duplicates and out-of-order
 * deliveries only repeat the mark. Reading the body, limits and the answer are the route's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Store } from '../store/types.js';
import type { Upstream } from '../upstreams/types.js';
import { markForReconcile, recordsForHint } from './hints.js';

export type WebhookResult =
  | { kind: 'bad-signature' }
  | { kind: 'bad-body' }
  /** Signed and well formed, but about no interview this bridge created. */
  | { kind: 'ignored'; event?: string }
  /** Every Workable interview following the upstream interview was marked (each gets its own PUT). */
  | { kind: 'accepted'; event?: string; interviewIds: string[] };

export interface WebhookDeps {
  store: Store;
  now(): Date;
}

export async function receiveWebhook(deps: WebhookDeps, upstream: Upstream, accountId: string, raw: Buffer, headers: IncomingHttpHeaders): Promise<WebhookResult> {
  if (!upstream.verifyWebhook(raw, headers)) return { kind: 'bad-signature' };
  let hint;
  try {
    hint = upstream.parseWebhook(raw);
  } catch {
    return { kind: 'bad-body' };
  }
  const ids = (await recordsForHint(deps.store, accountId, hint)).map((r) => r.id);
  if (ids.length === 0) return { kind: 'ignored', event: hint.event };
  const at = deps.now();
  for (const id of ids) await markForReconcile(deps, id, at);
  return { kind: 'accepted', event: hint.event, interviewIds: ids };
}
