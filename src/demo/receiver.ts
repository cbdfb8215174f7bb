/**
 * A stand-in for Workable's callback endpoint: accepts every PUT with 200, prints it (method, path, headers
 * with the bearer token masked, pretty JSON body) and lets the story wait for the next one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskToken } from '../cli/mask.js';

/** One request Workable would have received. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface DemoReceiver {
  url: string;
  received: Received[];
  /** Resolves with the first request at index >= from that satisfies `match`, or rejects after timeoutMs. */
  waitFor(from: number, match: (r: Received) => boolean, timeoutMs: number): Promise<Received>;
  close(): Promise<void>;
}

const SHOWN_HEADERS = ['authorization', 'content-type', 'user-agent', 'content-length'];

function render(r: Received): string {
  const lines = [`  ┌─ "Workable" received: ${r.method} ${r.path}`];
  for (const name of SHOWN_HEADERS) {
    const v = r.headers[name];
    if (typeof v !== 'string') continue;
    const shown = name === 'authorization' ? v.replace(/^(Bearer\s+)(.+)$/i, (_m, b: string, t: string) => `${b}${maskToken(t)}`) : v;
    lines.push(`  │ ${name}: ${shown}`);
  }
  lines.push('  │', ...JSON.stringify(r.body, null, 2).split('\n').map((l) => `  │ ${l}`), '  └─');
  return lines.join('\n');
}

/** Starts the receiver on a loopback port (default: an ephemeral one); `print` gets each request as it arrives. */
export async function startDemoReceiver(print: (text: string) => void, port = 0): Promise<DemoReceiver> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: shown as text, and the story's checks will say so
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      print(render(r));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    waitFor: (from, match, timeoutMs) =>
      new Promise<Received>((resolve, reject) => {
        const look = (): boolean => {
          const hit = received.slice(from).find(match);
          if (hit) resolve(hit);
          return hit !== undefined;
        };
        if (look()) return;
        const timer = setTimeout(() => {
          waiters.delete(onRequest);
          reject(new Error(`nothing matching arrived within ${timeoutMs} ms (${received.length - from} other request(s))`));
        }, timeoutMs);
        const onRequest = (): void => {
          if (look()) {
            clearTimeout(timer);
            waiters.delete(onRequest);
          }
        };
        waiters.add(onRequest);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
