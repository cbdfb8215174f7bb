/** Public surface of the Hireflix sandbox. */
export { createHireflixSandbox, type HireflixSandbox, type HireflixSandboxOptions } from './sandbox.js';
export { DEFAULT_POSITIONS, type SandboxInterview, type SandboxPositionSeed, type SandboxStatus } from './model.js';
export type { WebhookDelivery } from './webhooks.js';
export type { FaultMode } from '../common/faults.js';
