/**
 * A real HTTP server on an ephemeral loopback port standing in for Workable's callback endpoint. It records
 * every request (headers and raw body), tracks how many are in flight at once, and answers with whatever
 * the test's responder returns, possibly after a delay or after the test releases it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export type Responder = (req: ReceivedRequest, index: number) => Reply | Promise<Reply>;

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:43127 */
  url: string;
  requests: ReceivedRequest[];
  inFlight: number;
  maxInFlight: number;
  respond: Responder;
  /** Requests for one path, in arrival order. */
  hits(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder = () => ({ status: 200 })): Promise<Receiver> {
  const server = http.createServer();
  const receiver: Receiver = {
    url: '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    respond,
    hits: (path) => receiver.requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    receiver.inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = receiver.requests.push(received) - 1;
      void Promise.resolve(receiver.respond(received, index)).then(async (reply) => {
        if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
        receiver.inFlight -= 1;
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
