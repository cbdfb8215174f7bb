/** The full hostile-input run: 10,000 generated requests per endpoint (FUZZ_RUNS overrides). */
import { defineFuzzSuite } from '../support/fuzz/suite.js';

defineFuzzSuite('hostile input: 10,000 generated requests per endpoint', Number(process.env.FUZZ_RUNS ?? 10_000));
