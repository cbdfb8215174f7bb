/** Public surface of the Vervoe sandbox. */
export { createVervoeSandbox, type VervoeSandbox, type VervoeSandboxOptions } from './sandbox.js';
export { DEFAULT_ASSESSMENTS, type VervoeAssessment, type VervoeCandidateAssessment, type VervoeSandboxStatus } from './model.js';
export type { VervoeWebhookDelivery } from './webhooks.js';
export type { FaultMode } from '../common/faults.js';
