/**
 * A loopback HTTP proxy in front of a sandbox, to stage network trouble the sandbox itself cannot:
 * an upstream that does the work but answers too late (the client times out after the side effect).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  url: string;
  /** Requests whose body matches this get their (real) answer delayed by delayMs. */
  slow: { match: RegExp; delayMs: number; remaining: number } | undefined;
  forwarded: number;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<SlowProxy> {
  const proxy: SlowProxy = { url: '', slow: undefined, forwarded: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          proxy.forwarded++;
          const slow = proxy.slow;
          const delay = slow && slow.remaining > 0 && slow.match.test(body.toString('utf8')) ? (slow.remaining--, slow.delayMs) : 0;
          setTimeout(() => {
            if (res.destroyed) return;
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(out));
          }, delay).unref();
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
