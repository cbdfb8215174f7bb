/** A fast slice of the hostile-input fuzzing for the default suite; `npm run test:fuzz` runs 10,000 per endpoint. */
import { defineFuzzSuite } from '../../support/fuzz/suite.js';

defineFuzzSuite('hostile input (fast slice): generated requests per endpoint', Number(process.env.FUZZ_RUNS ?? 300));
