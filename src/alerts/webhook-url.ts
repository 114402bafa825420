import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BadUserInputError } from '../errors/domain-error.js';

export const MAX_WEBHOOK_URL = 2000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * Checks a webhook URL and returns it normalised: https:// only (http://localhost or 127.0.0.1
 * outside production, for development and tests), at most 2000 characters, and no user name or
 * password in it (the receiver authenticates us by the signature, not by a secret in the URL).
 */
export function checkWebhookUrl(raw: string, production: boolean): string {
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
  const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname) && !production;
  if (url.protocol !== 'https:' && !local) {
    throw new BadUserInputError(`webhookUrl: must be an https:// URL${production ? '' : ' (or http://localhost)'}`, field);
  }
  if (production && isIP(bareHost(url.hostname)) && !isPublicAddress(bareHost(url.hostname))) {
    throw new BadUserInputError('webhookUrl: must point to a public address', field);
  }
  return url.toString();
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** Loopback, private, link-local, carrier-grade NAT, unique-local and unspecified ranges. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]);
    return !NON_PUBLIC.check(address, 'ipv6');
  }
  return !NON_PUBLIC.check(address, 'ipv4');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses non-public addresses. It checks the addresses the
 * connection will actually use, so a name that resolves differently later (DNS rebinding) cannot
 * reach the platform's own network.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (refused || list.length === 0) {
      return callback(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRNOTPUBLIC' }), []);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}
