/**
 * `npm run receiver`: a stand-in for Workable's callback endpoint on 127.0.0.1:${RECEIVER_PORT:-9999}, for
 * the README's walkthrough. Point `callback_url` at it (sandbox mode allows local http) and every PUT the
 * bridge sends is printed as Workable would receive it (the bearer token masked), then answered 200.
 */
import { startDemoReceiver } from './receiver.js';

const raw = process.env.RECEIVER_PORT ?? '9999';
const port = Number(raw);
if (!/^\d+$/.test(raw) || port > 65535) {
  console.error(`RECEIVER_PORT must be a port number, got ${raw}`);
  process.exit(2);
}
let receiver;
try {
  receiver = await startDemoReceiver((text) => console.log(text), port);
} catch (err) {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`port ${port} is in use: set RECEIVER_PORT to a free one (and use the same in the walkthrough)`);
    process.exit(2);
  }
  throw err;
}
console.log(`"Workable" callback receiver listening on ${receiver.url}: every request is printed here and answered 200 (Ctrl-C stops it)`);
const stop = (): void => {
  void receiver.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
