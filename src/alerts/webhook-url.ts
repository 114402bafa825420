import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BadUserInputError } from '../errors/domain-error.js';

export const MAX_WEBHOOK_URL = 2000;

/** Whether webhooks may reach loopback, private, link-local and metadata addresses (`webhooks.allowPrivateDestinations`). */
export interface WebhookDestinationPolicy {
  allowPrivateDestinations: boolean;
}

/** Names that always mean this machine or its private network, whatever DNS says. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)\.?$/i;

/**
 * Checks a webhook URL and returns it normalised: https:// only, at most 2000 characters, no user
 * name or password in it (the receiver authenticates us by the signature), and not aimed at the
 * platform's own network. The URL parser reads every numeric spelling of an IPv4 address (127.1,
 * 2130706433, 0x7f000001, 0177.0.0.1) as the address it stands for, so the check sees through
 * them. Names are checked again on the addresses actually connected to (publicOnlyLookup). With
 * `allowPrivateDestinations` (tests, closed networks) private destinations and http:// are allowed.
 */
export function checkWebhookUrl(raw: string, policy: WebhookDestinationPolicy): string {
  const value = raw.trim();
  const field = ['webhookUrl'];
  if (value.length === 0 || value.length > MAX_WEBHOOK_URL) throw new BadUserInputError(`webhookUrl: give a URL of at most ${MAX_WEBHOOK_URL} characters`, field);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError('webhookUrl: not a URL', field);
  }
  if (url.username || url.password) throw new BadUserInputError('webhookUrl: must not contain a user name or password', field);
  const host = bareHost(url.hostname);
  const privateHost = isIP(host) ? !isPublicAddress(host) : LOCAL_NAME.test(host) || !host.includes('.');
  // Plain http only to a private receiver, and only where private destinations are allowed (tests).
  const plainHttpAllowed = url.protocol === 'http:' && policy.allowPrivateDestinations && privateHost;
  if (url.protocol !== 'https:' && !plainHttpAllowed) throw new BadUserInputError('webhookUrl: must be an https:// URL', field);
  if (privateHost && !policy.allowPrivateDestinations) {
    throw new BadUserInputError('webhookUrl: must point to a public address (not loopback, private, link-local or metadata)', field);
  }
  return url.toString();
}

export function bareHost(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/**
 * Not public: unspecified, loopback, private, carrier-grade NAT (also Alibaba's metadata address),
 * link-local (also the 169.254.169.254 metadata address), IETF and documentation ranges, benchmark,
 * multicast and reserved; in IPv6 unique-local (also fd00:ec2::254), link-local, site-local, multicast,
 * local-use NAT64 and benchmarking.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  // Local-use NAT64 (RFC 8215): a network's own translator, which reaches its private IPv4 addresses; benchmarking.
  ['64:ff9b:1::', 48], ['2001:2::', 48],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included); null if it is not one. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (isIP(dotted[1]) !== 4) return null;
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address carries and reaches: IPv4-mapped (::ffff:a.b.c.d, in dotted or
 * hex spelling), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIpv4(groups: number[]): string | null {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return ipv4From(groups[6], groups[7]);
  if (zeros(0, 6)) return ipv4From(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return ipv4From(groups[6], groups[7]);
  if (groups[0] === 0x2002) return ipv4From(groups[1], groups[2]);
  return null;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const groups = ipv6Groups(address);
  if (!groups) return false;
  if (NON_PUBLIC.check(groups.map((g) => g.toString(16)).join(':'), 'ipv6')) return false;
  const carried = embeddedIpv4(groups);
  // :: and ::1 are in the list; any other ::/96 address is an IPv4-compatible one.
  return carried === null || isPublicAddress(carried);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses non-public addresses. It checks the addresses the
 * connection will actually use, so a name that resolves differently later (DNS rebinding) cannot
 * reach the platform's own network. A name that does not resolve is refused in the same words (the
 * owner reads them in `lastError`), or the difference would tell which names exist on the
 * platform's internal DNS.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    const list = error ? [] : (addresses as LookupAddress[]);
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
      return callback(Object.assign(new Error(`${hostname} does not resolve to a public address`), { code: 'EADDRNOTPUBLIC' }), []);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}
