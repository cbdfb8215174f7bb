/** Public surface of the Vervoe adapter. */
export { createVervoeUpstream, DEFAULT_VERVOE_BASE_URL, type VervoeUpstreamOptions } from './adapter.js';
export { vervoeDateTime } from './changes.js';
export { inviteBody } from './invite.js';
export { VERVOE_STATES, normaliseStatus, parseDurationText, pickScore, toUpstreamInterview } from './mapping.js';
export { DEFAULT_TOLERANCE_SECONDS, VERVOE_SIGNATURE_HEADER, parseVervoeWebhook, signVervoeBody, verifyVervoeSignature } from './webhook.js';
