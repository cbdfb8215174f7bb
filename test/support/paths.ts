import { fileURLToPath } from 'node:url';

/** The project root (where the tests run from, and where config/ and src/ are). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
