/**
 * Entry point of the operator CLI (`npm run cli -- <command>`). All logic is in run.ts; this file only
 * connects it to the process and exits once the output is flushed, since open sockets (Redis, HTTP agents)
 * must not keep a finished command alive.
 */
import { processIo } from './io.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), processIo);
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
