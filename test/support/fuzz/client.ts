/**
 * HTTP for the fuzz suites: a keep-alive client (thousands of requests without a handshake each) and a
 * raw-socket sender for bytes no well-behaved client would put on the wire (CR/LF inside a header).
 */
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Sends one request over the shared keep-alive agent; content-length is always set from the body. */
export function send(base: string, r: FuzzRequest): Promise<Answer> {
  const started = process.hrtime.bigint();
  const url = new URL(base);
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer in 10 s: ${r.method} ${r.path.slice(0, 80)}`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Writes raw bytes on a fresh socket and returns everything the server sent until it closed (or 5 s). */
export function sendRaw(base: string, bytes: string | Buffer): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', reject);
    socket.end(bytes);
  });
}

/**
 * The contract's error answer, checked on the bytes: a JSON object of exactly {status, message}, status equal
 * to the HTTP code, a short human message, and nothing that looks like a stack trace.
 */
export function expectContractError(a: Answer, status: number, message?: string | RegExp): void {
  const where = `${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, where).to.equal(status);
  expect(String(a.headers['content-type']), where).to.match(/^application\/json/);
  const body = JSON.parse(a.text) as Record<string, unknown>;
  expect(Object.keys(body).sort(), where).to.deep.equal(['message', 'status']);
  expect(body.status, where).to.equal(status);
  expect(body.message, where).to.be.a('string').and.not.equal('');
  expect((body.message as string).length, where).to.be.at.most(600);
  expect(body.message, where).not.to.match(/\n\s+at |node_modules|\.ts:\d+/);
  if (typeof message === 'string') expect(body.message, where).to.equal(message);
  else if (message) expect(body.message, where).to.match(message);
}

/** Never a 5xx, and any error answer is a contract body. */
export function expectNo5xx(a: Answer): void {
  expect(a.status, `${a.status} ${a.text.slice(0, 300)}`).to.be.below(500);
  if (a.status >= 400) expectContractError(a, a.status);
}
