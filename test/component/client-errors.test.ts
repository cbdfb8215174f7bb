import { connect } from 'node:net';
import { expect } from 'chai';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

/** Sends raw bytes and returns the raw answer: these requests never reach an HTTP client library intact. */
function raw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let out = '';
    socket.on('data', (c: Buffer) => (out += c.toString('utf8')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('requests Node refuses before the app: still the contract body', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite', { webhooks: false });
  });
  after(async () => h.close());

  it('headers over 16 KB: 431 with {status, message}', async () => {
    const res = await raw(h.url, `GET /interview-templates HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20000)}\r\n\r\n`);
    expect(res.split('\r\n')[0]).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(res.split('\r\n\r\n')[1]!)).to.deep.equal({ status: 431, message: 'Request Header Fields Too Large' });
  });

  it('a malformed request line: 400 with {status, message}', async () => {
    const res = await raw(h.url, 'THIS IS NOT HTTP\r\n\r\n');
    expect(res.split('\r\n')[0]).to.equal('HTTP/1.1 400 Bad Request: malformed HTTP request');
    expect(JSON.parse(res.split('\r\n\r\n')[1]!)).to.deep.equal({ status: 400, message: 'Bad Request: malformed HTTP request' });
  });
});
