/** Public surface of the Hireflix adapter. */
export { createHireflixUpstream, DEFAULT_HIREFLIX_ENDPOINT, type HireflixUpstreamOptions } from './adapter.js';
export { HIREFLIX_STATES, normaliseState, type HireflixState } from './state.js';
export { SIGNATURE_HEADER, signHireflixBody, verifyHireflixSignature, parseHireflixWebhook } from './webhook.js';
