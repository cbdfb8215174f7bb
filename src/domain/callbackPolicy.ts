import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import type { CallbackPolicy } from '../config/types.js';

/** Address ranges a callback must never reach: the bridge would be sending a secret token into its own network. */
const FORBIDDEN_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal', // includes 169.254.169.254, the cloud metadata address
  'loopback',
  'private',
  'uniqueLocal', // fc00::/7, includes fd00:ec2::254
  'carrierGradeNat',
  'reserved',
  'benchmarking',
  'amt',
  'as112',
  'as112v6',
  'deprecated',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
  'siteLocal',
  'discard',
  '6to4',
  'teredo',
  'rfc6145',
  'rfc6052',
]);

/** True when the address is one a callback may not reach (IPv4-mapped IPv6 is judged as the IPv4 it carries). */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return FORBIDDEN_RANGES.has(ip.range());
}

function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => {
    const pat = p.toLowerCase();
    return pat.startsWith('*.') ? h.endsWith(pat.slice(1)) && h.length > pat.length - 1 : h === pat;
  });
}

/** The host of a URL without IPv6 brackets. */
const bareHost = (u: URL): string => u.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a callback URL's shape against the policy, without DNS: absolute, https (http only when local
 * addresses are allowed), no credentials, a host on the allow-list or, for local demos, a local address.
 * The WHATWG URL parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
 * Returns the reason it is refused, or undefined when it is acceptable.
 */
export function callbackUrlProblem(raw: string, policy: CallbackPolicy): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'should be an absolute URL';
  }
  if (u.protocol !== 'https:' && !(policy.allowLocal && u.protocol === 'http:')) return 'should be an https URL';
  if (u.username || u.password) return 'should not carry credentials';
  const host = bareHost(u);
  if (ipaddr.isValid(host)) {
    if (isForbiddenAddress(host)) return policy.allowLocal ? undefined : 'should not point at a private or local address';
    return 'should name an allowed host, not an IP address';
  }
  if (policy.allowLocal && (host === 'localhost' || host.endsWith('.localhost'))) return undefined;
  if (!hostAllowed(host, policy.allowedHosts)) return `should be on an allowed host (${policy.allowedHosts.join(', ')})`;
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for the callback HTTP agents: it resolves, then refuses forbidden addresses at
 * connect time, so a name that resolves (or is re-pointed, DNS rebinding) to a private address is never dialled.
 */
export function guardedLookup(policy: CallbackPolicy) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isForbiddenAddress(a.address));
      if (bad && !policy.allowLocal) {
        const e: NodeJS.ErrnoException = new Error(`callback host ${hostname} resolves to a forbidden address`);
        e.code = 'EFORBIDDENADDRESS';
        return callback(e, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
