/**
 * Child process of bench/delivery.ts: a stand-in for Workable's callback endpoint on a loopback port, in its
 * own process so it does not share the bridge's event loop. Answers every request 200 with an empty body
 * once the body has arrived, counts them, and reports its URL over IPC.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let received = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (m: unknown) => {
  if (m === 'count') process.send?.({ received });
  if (m === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
