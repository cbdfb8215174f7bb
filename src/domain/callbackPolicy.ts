import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import type { CallbackPolicy } from '../config/types.js';

/**
 * The only range a callback may reach: ipaddr.js calls every address outside its named special ranges
 * `unicast`. Refusing every named range (rather than listing the bad ones) keeps ranges added by a later
 * ipaddr.js (it added `deprecatedSiteLocal`, `segmentRouting`, ...) refused until someone decides otherwise.
 */
const ALLOWED_RANGE = 'unicast';

/**
 * True for an IPv4-compatible IPv6 address (`::a.b.c.d`, RFC 4291 2.5.5.1, deprecated): the first 96 bits are
 * zero. ipaddr.js has no range for it (`::7f00:1` is `unicast` to it), yet some stacks route it as the IPv4
 * address it carries, so it is refused outright, whatever that address is.
 */
function isIPv4Compatible(ip: ipaddr.IPv6): boolean {
  return ip.parts.slice(0, 6).every((p) => p === 0);
}

/**
 * True when the address is one a callback may not reach: anything but a public unicast address.
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is judged as the IPv4 it carries; IPv4-compatible IPv6 is refused.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (isIPv4Compatible(v6)) return true;
  }
  return ip.range() !== ALLOWED_RANGE;
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
 * addresses are allowed), no credentials, a host on the allow-list and a port on the port list (443 unless
 * configured) or, for local demos, a local address on any port.
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
  if (u.protocol !== 'https:' && !(policy.allowLocal && u.protocol === 'http:')) return policy.allowLocal ? 'should be an http or https URL' : 'should be an https URL';
  if (u.username || u.password) return 'should not carry credentials';
  const host = bareHost(u);
  if (ipaddr.isValid(host)) {
    if (isForbiddenAddress(host)) return policy.allowLocal ? undefined : 'should not point at a private or local address';
    return 'should name an allowed host, not an IP address';
  }
  if (policy.allowLocal && (host === 'localhost' || host.endsWith('.localhost'))) return undefined;
  if (!hostAllowed(host, policy.allowedHosts)) return `should be on an allowed host (${policy.allowedHosts.join(', ')})`;
  const ports = policy.allowedPorts ?? DEFAULT_ALLOWED_PORTS;
  if (!ports.includes(portOf(u))) return `should use an allowed port (${ports.join(', ')})`;
  return undefined;
}

/** Callback ports accepted when the policy names none: Workable's callbacks are plain https. */
const DEFAULT_ALLOWED_PORTS: readonly number[] = [443];

/** The port a URL dials: the explicit one, or its scheme's default (the URL parser drops `:443` on https). */
function portOf(u: URL): number {
  if (u.port !== '') return Number(u.port);
  return u.protocol === 'https:' ? 443 : 80;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup with `all: true`: every address a name resolves to (injectable, so tests can stage answers). */
export type Resolver = (hostname: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A dns.lookup replacement for the callback HTTP agents: it resolves, then refuses forbidden addresses at
 * connect time, so a name that resolves (or is re-pointed, DNS rebinding) to a private address is never dialled.
 */
export function guardedLookup(policy: CallbackPolicy, resolve: Resolver = dnsLookup) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
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
