/**
 * The bridge's published contract: an OpenAPI 3.1 document of every route it serves, with every status and
 * body. This module is the one source: GET /openapi.json serves it (with `servers` set to the public base
 * URL), `npm run --silent openapi` prints it, and test/openapi/ validates it as OpenAPI 3.1 and checks every
 * response the component tests receive against it, so the document cannot drift from the code.
 *
 * Where each part rests: the Workable routes, their bodies and the `{status, message}` errors on Workable's
 * "Video Interview Providers" page (shared/spec/workable-video-interview-providers.md); the codes beyond its
 * table, the webhooks, reports, health and operator routes on the bridge's own choices (README "Choices
 * made where the contract is silent", docs/observability.md).
 */

/** Every error the bridge renders itself: the contract's body. */
const errorBody = {
  type: 'object',
  required: ['status', 'message'],
  additionalProperties: false,
  properties: {
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated.' },
    message: { type: 'string', minLength: 1, description: 'Short and readable, meant for troubleshooting.' },
  },
  examples: [{ status: 401, message: 'Invalid Token' }],
} as const;

/** An error response whose body is the contract's error body with this status. */
function error(status: number, description: string, headers?: Record<string, unknown>): Record<string, unknown> {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      'application/json': {
        schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { status: { const: status } } }] },
      },
    },
  };
}

const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } as const;
const wwwAuthenticate = { 'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' } } as const;
const allow = { Allow: { $ref: '#/components/headers/Allow' } } as const;
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** The answers every Workable route shares: authentication, the failed-login and per-client limits, store and shutdown. */
const workableCommon = {
  '401': ref('Unauthorized'),
  '429': ref('TooManyRequests'),
  '503': ref('Unavailable'),
} as const;

/** What an upstream failure becomes on a route that calls the upstream. */
const upstreamFailures = {
  '502': ref('UpstreamBadGateway'),
  '504': ref('UpstreamTimeout'),
} as const;

const interviewId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The interview_id that POST /interviews answered (22 base64url characters). Any other value is a 404.',
  schema: { type: 'string' },
} as const;

const opsSecurity = [{ opsToken: [] }, {}] as const;
const opsDescription =
  'Operator-only. With OPS_TOKEN set: `Authorization: Bearer <ops token>` (401 without or with a wrong one). Without it: only direct loopback requests with no proxy header; everyone else gets the 404 an unknown route gets. A Workable account token never opens it.';

/** Operator POST routes: the guard's answers, and 405 (with Allow) for another method once past the guard. */
function opsPost(summary: string, description: string, ok: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    post: {
      tags: ['operations'],
      summary,
      description: `${description}\n\n${opsDescription}`,
      security: opsSecurity,
      responses: {
        '200': { description: 'The run\'s summary.', content: { 'application/json': { schema: ok } } },
        '401': ref('OpsUnauthorized'),
        '404': ref('NotFound'),
        '405': ref('MethodNotAllowed'),
        ...extra,
      },
    },
  };
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Workable video bridge',
    version: '0.1.0',
    summary: 'A one-way video-interview platform (Hireflix, Vervoe) as a Workable Video Interview Provider.',
    description: [
      'The routes Workable calls (`/interview-templates`, `/interviews`, `/interviews/{id}`, `/interviews/{id}/shared-link`) implement Workable\'s "Video Interview Providers" contract to the letter, including its `{"status", "message"}` error bodies. Results are also PUT to the `callback_url` of each interview, with the same body as `GET /interviews/{id}` (schema `Result`).',
      '',
      'Paths are matched exactly: case-sensitive, no optional trailing slash, no decoding before routing. Any path not listed here is `404 {"status":404,"message":"Not Found: no route <METHOD> <path>"}`; a listed path with another method is `405` with `Allow`; `OPTIONS` on a listed path is `204` with `Allow` and no body; a method the bridge does not know at all (TRACE, CONNECT) is `501 {"status":501,"message":"Not Implemented"}`. Answers that any route can give: `429` when a client has more than `server.max_requests_per_client` requests in progress (Retry-After: 1), `503` while the bridge shuts down (Retry-After: 5), and, from the HTTP layer, `400` for a malformed request, `408` for one that is too slow, `431` for headers that are too large.',
      '',
      'Sources: Workable\'s partner documentation for the Workable routes and bodies; the bridge\'s README and docs/ for everything the contract is silent on.',
    ].join('\n'),
  },
  servers: [{ url: 'http://127.0.0.1:3000', description: 'The zero-config start; a running bridge serves its public_base_url here.' }],
  tags: [
    { name: 'workable', description: 'Called by Workable with the account\'s Bearer token.' },
    { name: 'webhooks', description: 'Called by the upstream platform, signed.' },
    { name: 'reports', description: 'Public PDF reports; the URL is the capability.' },
    { name: 'health', description: 'Public, for load balancers and integrators.' },
    { name: 'operations', description: 'Operator-only: OPS_TOKEN, or loopback when none is set.' },
  ],
  paths: {
    '/interview-templates': {
      get: {
        tags: ['workable'],
        summary: 'List the interview templates',
        description: 'The account\'s upstream templates (open Hireflix positions, Vervoe assessments), cached briefly per account.',
        operationId: 'listInterviewTemplates',
        security: [{ workableToken: [] }],
        responses: {
          '200': {
            description: 'The templates.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/InterviewTemplates' } } },
          },
          ...workableCommon,
          ...upstreamFailures,
        },
      },
    },
    '/interviews': {
      post: {
        tags: ['workable'],
        summary: 'Create an interview (invite the candidate)',
        description:
          'Idempotent: the interview id is derived from the account and `callback_url`, so a retry answers the same id and never sends a second invitation. Bodies over `server.body_limit_bytes` (100 KB) are 413.',
        operationId: 'createInterview',
        security: [{ workableToken: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateInterview' } } },
        },
        responses: {
          '201': {
            description: 'Created (or found again): the interview id.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['interview_id'],
                  additionalProperties: false,
                  properties: { interview_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
                },
                examples: { created: { value: { interview_id: 'Qyi6OJQWLUy3S7yOKXqAAg' } } },
              },
            },
          },
          '400': error(400, '`Invalid JSON` (also: not an object, nested deeper than 64 levels, a `__proto__` key) or `Invalid field: <path> should be …` (a wrong type, an e-mail, a length, a callback_url the policy refuses, a template that is not the account\'s, preferences past their bounds).'),
          ...workableCommon,
          '413': error(413, 'Request body too large: at most <n> bytes.'),
          '415': error(415, 'Unsupported Media Type: send application/json.'),
          '422': error(422, 'Missing field: <path> should be provided.'),
          ...upstreamFailures,
        },
      },
    },
    '/interviews/{id}': {
      get: {
        tags: ['workable'],
        summary: 'The interview\'s current result',
        description: 'The same payload the bridge PUTs to `callback_url`; `{"status":"pending"}` until something happens.',
        operationId: 'getInterview',
        security: [{ workableToken: [] }],
        parameters: [interviewId],
        responses: {
          '200': { description: 'The result.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Result' } } } },
          ...workableCommon,
          '404': error(404, '`Interview not found`: unknown, malformed, or another account\'s id.'),
        },
      },
    },
    '/interviews/{id}/shared-link': {
      get: {
        tags: ['workable'],
        summary: 'A public link to the interview on the upstream',
        description: 'Reused while it has more than a day left. `ttl` is the whole days left, rounded down; a permanent link has no `ttl`.',
        operationId: 'getSharedLink',
        security: [{ workableToken: [] }],
        parameters: [interviewId],
        responses: {
          '200': {
            description: 'The link.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['url'],
                  additionalProperties: false,
                  properties: {
                    url: { type: 'string', format: 'uri' },
                    ttl: { type: 'string', pattern: '^[0-9]+$' },
                    ttl_units: { enum: ['days'] },
                  },
                  dependentRequired: { ttl: ['ttl_units'], ttl_units: ['ttl'] },
                },
                examples: { link: { value: { url: 'http://127.0.0.1:4010/_sandbox/shared/3f7c…', ttl: '364', ttl_units: 'days' } } },
              },
            },
          },
          ...workableCommon,
          '404': error(404, '`Interview not found`, or `No shared link: the interview is <status>, and links exist only for completed interviews`.'),
          ...upstreamFailures,
        },
      },
    },
    '/webhooks/{upstream}/{account}': {
      post: {
        tags: ['webhooks'],
        summary: 'An upstream\'s signed change notice',
        description:
          'The signature is checked over the exact bytes received (Hireflix: `x-hireflix-signature`; Vervoe: `Vervoe-Signature`), then the interview is marked for reconcile and answered at once. Bodies are capped at `webhooks.max_body_bytes` (64 KB) and must arrive within `webhooks.body_timeout_ms`; too many bad signatures for an account are 429 until the window passes.',
        operationId: 'receiveWebhook',
        parameters: [
          { name: 'upstream', in: 'path', required: true, schema: { enum: ['hireflix', 'vervoe'] } },
          { name: 'account', in: 'path', required: true, description: 'The account id in config/accounts.yaml.', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '200': {
            description: '`Accepted`, or `Ignored: not an interview created through this bridge`.',
            content: {
              'application/json': {
                schema: { allOf: [{ $ref: '#/components/schemas/Notice' }, { properties: { status: { const: 200 } } }] },
              },
            },
          },
          '400': error(400, '`Invalid webhook body` (signed, but not the upstream\'s shape) or `Could not read the request body`.'),
          '401': error(401, 'Invalid Signature.'),
          '404': error(404, 'No webhook endpoint for this account (unknown account, another upstream, or webhooks: false).'),
          '408': error(408, 'Request Timeout: the webhook body did not arrive in time.'),
          '413': error(413, 'Request body too large: at most <n> bytes.'),
          '429': error(429, 'Too many webhooks with a bad signature for this account; retry later.', retryAfter),
          '503': ref('Unavailable'),
        },
      },
    },
    '/reports/{file}': {
      get: {
        tags: ['reports'],
        summary: 'An interview\'s PDF report',
        description: 'Public, so Workable can fetch the attachment; the 32-character id in the name is unguessable. Rendered on request.',
        operationId: 'getReport',
        parameters: [{ name: 'file', in: 'path', required: true, description: '`<report id>.pdf`', schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The report.', content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } } },
          '404': error(404, 'Report not found.'),
          '503': ref('Unavailable'),
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['health'],
        summary: 'Liveness',
        operationId: 'healthz',
        responses: {
          '200': {
            description: 'The process answers.',
            content: { 'application/json': { schema: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } } } },
          },
        },
      },
    },
    '/readyz': {
      get: {
        tags: ['health'],
        summary: 'Readiness',
        operationId: 'readyz',
        responses: {
          '200': {
            description: 'Ready: the store answers.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['status', 'store', 'mode'],
                  additionalProperties: false,
                  properties: {
                    status: { const: 'ready' },
                    store: { enum: ['sqlite', 'redis'] },
                    mode: { enum: ['configured', 'sandbox'] },
                    storeSafety: { $ref: '#/components/schemas/StoreSafety' },
                  },
                },
              },
            },
          },
          '503': error(503, '`Not ready: shutting down` or `Not ready: the <kind> store does not answer`.'),
        },
      },
    },
    '/openapi.json': {
      get: {
        tags: ['health'],
        summary: 'This document',
        description: 'Public; holds no secret and nothing about the accounts. `servers` is the bridge\'s public_base_url.',
        operationId: 'openapi',
        responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } } } },
      },
    },
    '/metrics': {
      get: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        description: `docs/observability.md lists them.\n\n${opsDescription}`,
        operationId: 'metrics',
        security: opsSecurity,
        responses: {
          '200': { description: 'Prometheus text exposition.', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': ref('OpsUnauthorized'),
          '404': ref('NotFound'),
          '405': ref('MethodNotAllowed'),
        },
      },
    },
    '/ops/poll': opsPost(
      'Run one poll cycle now',
      'For every account, or one with `?account=<id>` (an unknown one is 404 `Unknown account`), then a reconcile kick.',
      {
        type: 'object',
        required: ['polls'],
        properties: {
          polls: {
            type: 'array',
            description: 'One item per account polled: a cycle that ran, one skipped (another replica holds the poll), or one that failed.',
            items: {
              oneOf: [
                { type: 'object', required: ['accountId', 'skipped', 'since', 'changes', 'known', 'durationMs'], properties: { accountId: { type: 'string' }, skipped: { const: false }, since: { type: 'string', format: 'date-time' }, changes: { type: 'integer' }, known: { type: 'integer' }, durationMs: { type: 'number' } } },
                { type: 'object', required: ['accountId', 'skipped', 'reason'], properties: { accountId: { type: 'string' }, skipped: { const: true }, reason: { type: 'string' } } },
                { type: 'object', required: ['accountId', 'failed', 'error'], properties: { accountId: { type: 'string' }, failed: { const: true }, error: { type: 'string' } } },
              ],
            },
          },
        },
      },
    ),
    '/ops/expire': opsPost('Run the expiry sweep now', 'Marks pending interviews past their deadline for reconcile.', {
      type: 'object',
      required: ['marked'],
      properties: { marked: { type: 'integer', minimum: 0 } },
    }),
    '/ops/reconcile': opsPost('Run one reconcile batch now', 'Reads the upstream for every marked interview.', {
      type: 'object',
      required: ['reconciled'],
      properties: { reconciled: { type: 'integer', minimum: 0 } },
    }),
    '/ops/deliver': opsPost('Run one delivery batch now', 'Attempts the due outbox entries.', {
      type: 'object',
      required: ['attempted', 'delivered', 'retried', 'dead'],
      properties: { attempted: { type: 'integer' }, delivered: { type: 'integer' }, retried: { type: 'integer' }, dead: { type: 'integer' } },
    }),
    '/ops/interviews/{id}/expire': {
      parameters: [{ ...interviewId, description: 'An interview id.' }],
      ...opsPost(
        'Expire one pending interview now',
        'Brings its expiry deadline forward to now and kicks reconcile, which still reads the upstream first (a finished interview becomes completed, not expired).',
        {
          type: 'object',
          required: ['interview_id', 'expires_at'],
          additionalProperties: false,
          properties: { interview_id: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } },
        },
        { '409': error(409, 'Interview is <status>; only a pending interview can be expired.') },
      ),
    },
  },
  components: {
    securitySchemes: {
      workableToken: {
        type: 'http',
        scheme: 'bearer',
        description: 'The token the operator gave the Workable account (`npm run cli -- token create`); only its SHA-256 is configured.',
      },
      opsToken: { type: 'http', scheme: 'bearer', description: 'OPS_TOKEN. Without one set, operator routes answer only on loopback.' },
    },
    headers: {
      RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'string', pattern: '^[0-9]+$' } },
      WWWAuthenticate: { description: '`Bearer`, with `error="invalid_token"` for a wrong token.', schema: { type: 'string' } },
      Allow: { description: 'The methods the path takes.', schema: { type: 'string' } },
    },
    schemas: {
      Error: errorBody,
      Notice: {
        type: 'object',
        required: ['status', 'message'],
        additionalProperties: false,
        properties: { status: { type: 'integer' }, message: { type: 'string' } },
      },
      InterviewTemplates: {
        type: 'object',
        required: ['interview_templates'],
        additionalProperties: false,
        properties: {
          interview_templates: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name'],
              additionalProperties: false,
              properties: { id: { type: 'string' }, name: { type: 'string' } },
            },
          },
        },
        examples: [{ interview_templates: [{ id: '64f0c0ffee00000000000001', name: 'Customer Support Specialist' }] }],
      },
      CreateInterview: {
        type: 'object',
        required: ['interview_template_id', 'job_title', 'callback_url', 'candidate'],
        description: 'Unknown fields are ignored. Ids may be strings or non-negative integers.',
        properties: {
          interview_template_id: { type: ['string', 'integer'], maxLength: 200 },
          job_id: { type: ['string', 'integer', 'null'], maxLength: 200 },
          job_title: { type: 'string', maxLength: 500 },
          callback_url: {
            type: 'string',
            maxLength: 2048,
            description: 'https on an allowed host (callback_policy.allowed_hosts, default *.workable.com) and port (443), resolving to a public unicast address; in sandbox mode a local http address on any port is allowed too.',
          },
          candidate: {
            type: 'object',
            required: ['first_name', 'last_name', 'email'],
            properties: {
              first_name: { type: 'string', maxLength: 200 },
              last_name: { type: 'string', maxLength: 200 },
              email: { type: 'string', format: 'email', maxLength: 254 },
              phone: { type: ['string', 'null'], maxLength: 64, description: 'Normalised with the account\'s default country; left out of the invitation when it cannot be made valid.' },
            },
          },
          preferences: { type: ['object', 'null'], description: 'Free-form; at most 4096 bytes as JSON, 32 keys, keys of 64 characters. Not stored.' },
        },
        examples: [
          {
            interview_template_id: '64f0c0ffee00000000000001',
            job_id: '6789',
            job_title: 'Operations Manager',
            callback_url: 'https://groove-tech.workable.com/interviews/8823119',
            candidate: { first_name: 'Lakita', last_name: 'Marrero', phone: '(785)991-6256', email: 'lakita.marrero@example.com' },
            preferences: { key: 'value' },
          },
        ],
      },
      Result: {
        type: 'object',
        description: 'What `GET /interviews/{id}` answers and what is PUT to `callback_url`. `results_url` is present when the status is completed.',
        required: ['status'],
        additionalProperties: false,
        properties: {
          status: { enum: ['pending', 'completed', 'declined', 'expired', 'rejected'], description: '`rejected` only when an account\'s mapping asks for it.' },
          results_url: { type: 'string', format: 'uri' },
          interview: {
            type: 'object',
            additionalProperties: false,
            properties: {
              score: { type: 'string', description: 'A percentage, e.g. "80".' },
              grade: { enum: ['failed', 'passed', 'excelled'] },
              summary: { type: 'string' },
              details: { $ref: '#/components/schemas/Details' },
              duration: { type: 'string', pattern: '^[0-9]{2,}:[0-5][0-9]:[0-5][0-9]$' },
            },
          },
          attachments: {
            type: 'array',
            items: {
              type: 'object',
              required: ['description', 'url'],
              additionalProperties: false,
              properties: { description: { type: 'string' }, url: { type: 'string', format: 'uri' } },
            },
          },
        },
        if: { properties: { status: { const: 'completed' } } },
        then: { required: ['status', 'results_url'] },
      },
      Details: {
        type: 'object',
        description: 'At most two levels of objects, no arrays (Workable\'s rule).',
        additionalProperties: {
          oneOf: [
            { $ref: '#/components/schemas/DetailLeaf' },
            { type: 'object', additionalProperties: { $ref: '#/components/schemas/DetailLeaf' } },
          ],
        },
      },
      DetailLeaf: { type: ['string', 'number', 'boolean', 'null'] },
      StoreSafety: {
        description: 'The store\'s data-safety settings read at start-up, and the risks found (docs/operations.md "Store safety at start-up"). A warning does not fail readiness.',
        oneOf: [
          {
            type: 'object',
            required: ['store', 'evictionPolicy', 'appendonly', 'save', 'warnings'],
            additionalProperties: false,
            properties: {
              store: { const: 'redis' },
              evictionPolicy: { type: 'string', description: 'maxmemory-policy, or unknown' },
              appendonly: { enum: ['yes', 'no', 'unknown'] },
              save: { type: 'string', description: 'RDB save points (empty: none), or unknown' },
              warnings: { type: 'array', items: { type: 'string' } },
              note: { type: 'string', description: 'Why some settings are unknown.' },
            },
          },
          {
            type: 'object',
            required: ['store', 'journalMode', 'synchronous', 'warnings'],
            additionalProperties: false,
            properties: {
              store: { const: 'sqlite' },
              journalMode: { type: 'string' },
              synchronous: { type: 'string' },
              warnings: { type: 'array', items: { type: 'string' } },
            },
          },
        ],
      },
    },
    responses: {
      Unauthorized: error(401, '`Missing Token` (no Bearer token) or `Invalid Token`.', wwwAuthenticate),
      OpsUnauthorized: error(401, 'With OPS_TOKEN set: `Missing Token` or `Invalid Token`.', wwwAuthenticate),
      TooManyRequests: error(
        429,
        '`Too many failed authentication attempts; retry later` (per client address) or `Too many concurrent requests from this client; retry shortly`.',
        retryAfter,
      ),
      Unavailable: error(
        503,
        'The store does not answer (Retry-After: 5), the bridge is shutting down (Retry-After: 5), another request for the same interview held it too long (Retry-After: 2), or the upstream failed or throttled the call (Retry-After only when the upstream gave one).',
        retryAfter,
      ),
      UpstreamBadGateway: error(502, 'The upstream is unreachable, refused the credentials, is over quota, or answered something unreadable.'),
      UpstreamTimeout: error(504, 'The upstream did not answer in time (upstream.timeout_ms).'),
      NotFound: error(404, 'Not Found: no route <METHOD> <path> (also what an operator route answers a caller it does not let in).'),
      MethodNotAllowed: error(405, 'Method Not Allowed.', allow),
    },
  },
} as const;

/** The document as served: `servers` names this bridge's public base URL. */
export function openApiDocument(publicBaseUrl: string): Record<string, unknown> {
  return { ...OPENAPI_DOCUMENT, servers: [{ url: publicBaseUrl, description: 'This bridge (public_base_url).' }] };
}
