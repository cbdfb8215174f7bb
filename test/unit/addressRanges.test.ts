/**
 * Every address range ipaddr.js 2.5.0 names, for IPv4 and IPv6, against the callback policy: only public
 * `unicast` may be reached, in the URL check (an IP literal in callback_url) and at connect time (a name
 * whose DNS answer is such an address). The table must name every range the installed ipaddr.js knows, so
 * an upgrade that adds one fails here until someone decides about it.
 */
import type { LookupAddress } from 'node:dns';
import { expect } from 'chai';
import ipaddr from 'ipaddr.js';
import nock from 'nock';
import { callbackUrlProblem, guardedLookup, isForbiddenAddress } from '../../src/domain/callbackPolicy.js';
import type { Resolver } from '../../src/domain/callbackPolicy.js';
import { createCallbackClient } from '../../src/workable/callbackClient.js';

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const strict = { allowedHosts: ['*.workable.com'], allowLocal: false };

/** [range name as ipaddr.js gives it, a sample address in it, whether a callback may reach it] */
const IPV4: Array<[string, string, boolean]> = [
  ['unspecified', '0.0.0.0', false],
  ['broadcast', '255.255.255.255', false],
  ['multicast', '224.0.0.251', false],
  ['linkLocal', '169.254.169.254', false],
  ['loopback', '127.0.0.1', false],
  ['carrierGradeNat', '100.64.0.1', false],
  ['private', '10.0.0.8', false],
  ['reserved', '192.0.2.10', false],
  ['as112', '192.175.48.1', false],
  ['amt', '192.52.193.1', false],
  ['unicast', '52.1.2.3', true],
];
const IPV6: Array<[string, string, boolean]> = [
  ['unspecified', '::', false],
  ['linkLocal', 'fe80::1', false],
  ['multicast', 'ff02::1', false],
  ['loopback', '::1', false],
  ['uniqueLocal', 'fd00:ec2::254', false],
  ['ipv4Mapped', '::ffff:127.0.0.1', false], // judged as the IPv4 it carries
  ['deprecatedSiteLocal', 'fec0::1', false],
  ['discard', '100::1', false],
  ['rfc6145', '::ffff:0:7f00:1', false],
  ['rfc6052', '64:ff9b::7f00:1', false],
  ['6to4', '2002:7f00:1::1', false],
  ['teredo', '2001:0:4136:e378::1', false],
  ['benchmarking', '2001:2::1', false],
  ['amt', '2001:3::1', false],
  ['as112v6', '2001:4:112::1', false],
  ['deprecatedOrchid', '2001:10::1', false],
  ['orchid2', '2001:20::1', false],
  ['droneRemoteIdProtocolEntityTags', '2001:30::1', false],
  ['segmentRouting', '5f00::1', false],
  ['reserved', '2001:db8::1', false],
  ['unicast', '2606:4700:4700::1111', true],
];
/** Addresses ipaddr.js calls `unicast` (or maps) that are still judged by what they carry. */
const SPECIAL: Array<[string, string, boolean]> = [
  ['IPv4-compatible loopback', '::7f00:1', false],
  ['IPv4-compatible private', '::a00:8', false],
  ['IPv4-compatible public', '::808:808', false],
  ['IPv4-mapped public', '::ffff:8.8.8.8', true],
  ['IPv4-mapped metadata', '::ffff:a9fe:a9fe', false],
];

const rangeNames = (proto: { SpecialRanges?: Record<string, unknown> }): string[] => [...Object.keys(proto.SpecialRanges ?? {}), 'unicast'].sort();
const urlOf = (address: string): string => (address.includes(':') ? `https://[${address}]/cb` : `https://${address}/cb`);

/** A resolver that answers every name with the given addresses. */
const answering = (...addresses: string[]): Resolver => (_host, _opts, cb) =>
  setImmediate(() => cb(null, addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }))));

function connectLookup(resolve: Resolver, host = 'acme.workable.com'): Promise<{ err: NodeJS.ErrnoException | null; address: unknown }> {
  return new Promise((done) => guardedLookup(strict, resolve)(host, {}, (err, address) => done({ err, address })));
}

describe('callback address ranges: only public unicast is reachable (every ipaddr.js range name)', () => {
  it('the tables name every range the installed ipaddr.js knows, and each sample is in its range', () => {
    const v4 = (ipaddr.IPv4 as unknown as { prototype: { SpecialRanges?: Record<string, unknown> } }).prototype;
    const v6 = (ipaddr.IPv6 as unknown as { prototype: { SpecialRanges?: Record<string, unknown> } }).prototype;
    expect(IPV4.map(([n]) => n).sort()).to.deep.equal(rangeNames(v4));
    expect(IPV6.map(([n]) => n).sort()).to.deep.equal(rangeNames(v6));
    for (const [name, address] of [...IPV4, ...IPV6]) expect(ipaddr.parse(address).range(), address).to.equal(name);
  });

  for (const [family, table] of [['IPv4', IPV4], ['IPv6', IPV6], ['embedded IPv4', SPECIAL]] as const) {
    for (const [name, address, allowed] of table) {
      describe(`${family} ${name} (${address}) is ${allowed ? 'allowed' : 'refused'}`, () => {
        it('by isForbiddenAddress', () => {
          expect(isForbiddenAddress(address)).to.equal(!allowed);
        });

        it('in the callback_url check', () => {
          // A public IP literal is still refused, for naming no allowed host: the message tells the two apart.
          expect(callbackUrlProblem(urlOf(address), strict)).to.equal(
            allowed ? 'should name an allowed host, not an IP address' : 'should not point at a private or local address',
          );
        });

        it('at connect time, as the DNS answer for an allowed host', async () => {
          const { err, address: got } = await connectLookup(answering(address));
          if (allowed) {
            expect(err).to.equal(null);
            expect(got).to.equal(address);
          } else {
            expect(err?.code).to.equal('EFORBIDDENADDRESS');
            expect(err?.message).to.equal('callback host acme.workable.com resolves to a forbidden address');
          }
        });
      });
    }
  }

  it('a DNS answer mixing a public and a forbidden address is refused', async () => {
    const { err } = await connectLookup(answering('52.1.2.3', 'fec0::1'));
    expect(err?.code).to.equal('EFORBIDDENADDRESS');
  });

  it('the callback client never dials a name that resolves to ::7f00:1: the delivery is a dead letter', async () => {
    const client = createCallbackClient({ timeoutMs: 2000, userAgent: 'test', lookup: guardedLookup(strict, answering('::7f00:1')) });
    // Let this one name past nock's net guard (test/setup.ts), so the agent's own lookup is what refuses it.
    nock.enableNetConnect((host: string) => host.startsWith('acme.workable.com') || LOOPBACK.test(host));
    let outcome;
    try {
      outcome = await client.put('https://acme.workable.com/interviews/1', 'tok', { status: 'expired' } as never);
    } finally {
      nock.disableNetConnect();
      nock.enableNetConnect((host: string) => LOOPBACK.test(host));
    }
    expect(outcome.kind).to.equal('dead');
    expect(outcome.error).to.equal('refused by callback policy: EFORBIDDENADDRESS: callback host acme.workable.com resolves to a forbidden address');
  });
});
