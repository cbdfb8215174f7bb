import { expect } from 'chai';
import type { CallbackPolicy } from '../../src/config/types.js';
import { callbackUrlProblem, isForbiddenAddress } from '../../src/domain/callbackPolicy.js';

const strict = { allowedHosts: ['*.workable.com'], allowLocal: false };
const local = { allowedHosts: ['*.workable.com'], allowLocal: true };

describe('callback policy', () => {
  const table: Array<[string, CallbackPolicy, string | undefined]> = [
    ['https://groove-tech.workable.com/interviews/8823119', strict, undefined],
    ['https://a.b.workable.com/x', strict, undefined],
    ['https://GROOVE.Workable.COM/x', strict, undefined],
    ['https://workable.com/x', strict, 'should be on an allowed host (*.workable.com)'],
    ['https://evilworkable.com/x', strict, 'should be on an allowed host (*.workable.com)'],
    ['https://workable.com.evil.io/x', strict, 'should be on an allowed host (*.workable.com)'],
    ['http://groove-tech.workable.com/x', strict, 'should be an https URL'],
    ['ftp://groove-tech.workable.com/x', strict, 'should be an https URL'],
    ['/interviews/1', strict, 'should be an absolute URL'],
    ['not a url', strict, 'should be an absolute URL'],
    ['https://user:pw@groove-tech.workable.com/x', strict, 'should not carry credentials'],
    ['https://127.0.0.1/x', strict, 'should not point at a private or local address'],
    ['https://2130706433/x', strict, 'should not point at a private or local address'], // decimal 127.0.0.1
    ['https://0177.0.0.1/x', strict, 'should not point at a private or local address'], // octal
    ['https://0x7f.1/x', strict, 'should not point at a private or local address'], // hex, short form
    ['https://169.254.169.254/latest/meta-data', strict, 'should not point at a private or local address'],
    ['https://10.0.0.8/x', strict, 'should not point at a private or local address'],
    ['https://192.168.1.1/x', strict, 'should not point at a private or local address'],
    ['https://[::1]/x', strict, 'should not point at a private or local address'],
    ['https://[::ffff:127.0.0.1]/x', strict, 'should not point at a private or local address'],
    ['https://[::ffff:a9fe:a9fe]/x', strict, 'should not point at a private or local address'], // mapped 169.254.169.254
    ['https://[fd00:ec2::254]/x', strict, 'should not point at a private or local address'],
    ['https://8.8.8.8/x', strict, 'should name an allowed host, not an IP address'],
    ['https://localhost/x', strict, 'should be on an allowed host (*.workable.com)'],
    ['http://127.0.0.1:4000/cb', local, undefined],
    ['http://localhost:4000/cb', local, undefined],
    ['http://example.com/cb', local, 'should be on an allowed host (*.workable.com)'],
    // Where http is allowed (sandbox mode, allow_local), the message must not claim only https is.
    ['ftp://x', local, 'should be an http or https URL'],
    ['ftp://127.0.0.1/cb', local, 'should be an http or https URL'],
    // Ports: 443 only unless configured; local demo receivers (allow_local) on any port.
    ['https://groove-tech.workable.com:443/x', strict, undefined],
    ['https://groove-tech.workable.com:8443/x', strict, 'should use an allowed port (443)'],
    ['https://groove-tech.workable.com:22/x', strict, 'should use an allowed port (443)'],
    ['https://groove-tech.workable.com:6379/x', local, 'should use an allowed port (443)'],
    ['https://groove-tech.workable.com:8443/x', { ...strict, allowedPorts: [443, 8443] }, undefined],
    ['https://groove-tech.workable.com/x', { ...strict, allowedPorts: [8443] }, 'should use an allowed port (8443)'],
    ['http://groove-tech.workable.com/x', local, 'should use an allowed port (443)'], // http means port 80
    ['http://127.0.0.1:6379/cb', local, undefined],
    ['http://localhost:59123/cb', local, undefined],
  ];
  for (const [url, policy, expected] of table) {
    it(`${policy.allowLocal ? '[local allowed] ' : ''}${policy.allowedPorts ? `[ports ${policy.allowedPorts.join(',')}] ` : ''}${url} → ${expected ?? 'accepted'}`, () => {
      expect(callbackUrlProblem(url, policy)).to.equal(expected);
    });
  }

  const addresses: Array<[string, boolean]> = [
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['100.64.0.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::ffff:10.0.0.1', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true],
    ['52.1.2.3', false],
    ['2a00:1450:4001:80b::200e', false],
    ['not-an-ip', true],
  ];
  for (const [address, forbidden] of addresses) {
    it(`address ${address} is ${forbidden ? 'forbidden' : 'allowed'}`, () => {
      expect(isForbiddenAddress(address)).to.equal(forbidden);
    });
  }
});
