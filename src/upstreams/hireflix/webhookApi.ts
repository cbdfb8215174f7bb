/**
 * Hireflix's webhook management over the same /me GraphQL endpoint: list, create, update, and reveal the
 * account's signing key. The operations and their inputs and outputs come from the MindCloud API catalogue
 * (`mindcloud-inc/universal-api-reference`, `apis/h/hireflix/`: "List Webhooks", "Create Webhook"
 * {url, events[], external}, "Update Webhook" {id, url, events[], active}, "Get Webhook Secret Key"
 * {value}; webhook fields id url events active external owner). The catalogue gives no GraphQL text, so
 * the field names below are inferred from those input names: `cli doctor` validates them against the live
 * schema before it relies on them (docs/operations.md).
 */
import type { UpstreamWebhook, WebhookRegistration } from '../types.js';
import { UpstreamError } from '../types.js';
import type { Operation } from '../../outbound/http.js';
import type { GraphqlTransport } from './client.js';
import { HIREFLIX } from './client.js';
import { arrayAt, isObject, objectAt, stringAt } from './read.js';

/** The events the bridge reacts to (vendor: "webhooks getting started"). */
export const HIREFLIX_WEBHOOK_EVENTS = ['interview.create', 'interview.finish', 'interview.status-change', 'interview.delete', 'interview.score-updated'] as const;

const FIELDS = 'id url events active external';

/** [inferred from MindCloud "List Webhooks"] every webhook of the account. */
export const LIST_WEBHOOKS = `query ListWebhooks {
  webhooks { ${FIELDS} }
}`;

/** [inferred from MindCloud "Create Webhook"] url (required), events, external. */
export const CREATE_WEBHOOK = `mutation CreateWebhook($url: String!, $events: [String!], $external: String) {
  createWebhook(url: $url, events: $events, external: $external) { ${FIELDS} }
}`;

/** [inferred from MindCloud "Update Webhook"] id (required), url, events, active. */
export const UPDATE_WEBHOOK = `mutation UpdateWebhook($id: String!, $url: String, $events: [String!], $active: Boolean) {
  updateWebhook(id: $id, url: $url, events: $events, active: $active) { ${FIELDS} }
}`;

/** [inferred from MindCloud "Get Webhook Secret Key"] the account-wide signing key, `{ value }`. */
export const WEBHOOK_SECRET_KEY = `query WebhookSecretKey {
  webhookSecretKey { value }
}`;

/** The webhook documents by operation name, for the doctor's schema check. */
export const WEBHOOK_DOCUMENTS = [
  { name: 'ListWebhooks', query: LIST_WEBHOOKS },
  { name: 'CreateWebhook', query: CREATE_WEBHOOK },
  { name: 'UpdateWebhook', query: UPDATE_WEBHOOK },
  { name: 'WebhookSecretKey', query: WEBHOOK_SECRET_KEY },
] as const;

const OPS = {
  list: { name: 'listWebhooks', doing: 'listing webhooks' },
  create: { name: 'registerWebhook', doing: 'creating a webhook' },
  update: { name: 'registerWebhook', doing: 'updating a webhook' },
  secret: { name: 'webhookSecret', doing: 'reading the webhook secret key' },
} satisfies Record<string, Operation>;

function toWebhook(op: Operation, value: unknown): UpstreamWebhook {
  const id = isObject(value) ? stringAt(value, 'id') : undefined;
  const url = isObject(value) ? stringAt(value, 'url') : undefined;
  if (!isObject(value) || id === undefined || url === undefined) {
    throw new UpstreamError(HIREFLIX, op.name, 'bad_response', `Hireflix sent an unreadable webhook while ${op.doing}`);
  }
  const events = arrayAt(value, 'events').filter((e): e is string => typeof e === 'string');
  return { id, url, events, active: value.active !== false };
}

/** The webhook API of one account, over its transport. */
export function hireflixWebhookApi(gql: GraphqlTransport) {
  async function list(): Promise<UpstreamWebhook[]> {
    const data = await gql.request(OPS.list, LIST_WEBHOOKS);
    if (!Array.isArray(data.webhooks)) throw new UpstreamError(HIREFLIX, OPS.list.name, 'bad_response', 'Hireflix sent no webhooks list');
    return data.webhooks.map((w) => toWebhook(OPS.list, w));
  }

  return {
    list,

    /** Updates the webhook already pointing at `url` (the first, if several), else creates one. */
    async register(url: string, events: readonly string[]): Promise<WebhookRegistration> {
      const existing = (await list()).find((w) => w.url === url);
      const wanted = [...events];
      if (existing) {
        const hasAll = wanted.every((e) => existing.events.includes(e));
        if (existing.active && hasAll) return { webhook: existing, action: 'unchanged' };
        const merged = [...new Set([...existing.events, ...wanted])];
        const data = await gql.request(OPS.update, UPDATE_WEBHOOK, { id: existing.id, url, events: merged, active: true });
        return { webhook: toWebhook(OPS.update, data.updateWebhook), action: 'updated' };
      }
      const data = await gql.request(OPS.create, CREATE_WEBHOOK, { url, events: wanted, external: 'workable-video-bridge' });
      return { webhook: toWebhook(OPS.create, data.createWebhook), action: 'created' };
    },

    async secret(): Promise<string | undefined> {
      const data = await gql.request(OPS.secret, WEBHOOK_SECRET_KEY);
      return stringAt(objectAt(data, 'webhookSecretKey'), 'value');
    },
  };
}
