import { isIPv4, isIPv6 } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { SharedTokenBuckets } from '../database/token-buckets.js';
import { RateLimitedError } from '../errors/domain-error.js';

/** How long a bucket untouched is full again (one minute's refill is its whole size), with room. */
const IDLE_BUCKET_MS = 2 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const BUCKET_PREFIX = 'oidc-start:';

/**
 * The bucket an address counts against: an IPv4 address itself (an IPv4-mapped or -compatible IPv6
 * one too), an IPv6 address by its /64, which one subscriber usually holds whole: counting each of
 * its addresses apart would let one machine start sign-ins without limit. A zone id is dropped.
 */
export function clientBucket(address: string | undefined): string {
  const bare = (address ?? '').split('%')[0];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return 'unknown';
  const groups = ipv6Groups(bare);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated) are IPv4 clients.
  if (groups.slice(0, 5).every((group) => group === 0) && (groups[5] === 0xffff || (groups[5] === 0 && groups[6] !== 0))) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail is two of them). */
function ipv6Groups(address: string): number[] {
  const parts = (text: string): number[] =>
    text
      ? text.split(':').flatMap((part) => {
          if (!part.includes('.')) return [parseInt(part, 16)];
          const [a, b, c, d] = part.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        })
      : [];
  const [head, tail] = address.toLowerCase().split('::');
  if (tail === undefined) return parts(head);
  const front = parts(head);
  const back = parts(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * Starting a console sign-in is public and keeps a row in the database for ten minutes (the sealed
 * PKCE verifier and nonce), so it is limited per client address: `oidcStartsPerMinute` a minute,
 * as many at once, in buckets every replica shares. Anyone may still start a sign-in; no one
 * address can fill the database with them (a client holding many /64s still starts 20 a minute
 * from each: bounded, not closed).
 */
@Injectable()
export class SignInStartLimit {
  private readonly buckets: SharedTokenBuckets;
  private lastPruned = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectDataSource() dataSource: DataSource) {
    const perMinute = config.rateLimit.oidcStartsPerMinute;
    this.buckets = new SharedTokenBuckets(dataSource, perMinute, perMinute);
  }

  /** Admits a sign-in started from `address`, or throws RateLimitedError. */
  async admitOrThrow(address: string | undefined): Promise<void> {
    await this.pruneIdle();
    const wait = await this.buckets.take(`${BUCKET_PREFIX}${clientBucket(address)}`);
    if (wait > 0) throw new RateLimitedError(wait, 'sign-ins started from your address');
  }

  /**
   * A bucket left alone for two minutes is full again, the same as none: removed, at most once a
   * minute per process, so that addresses that came once do not stay in the table.
   */
  private async pruneIdle(now = Date.now()): Promise<void> {
    if (now - this.lastPruned < PRUNE_EVERY_MS) return;
    this.lastPruned = now;
    await this.buckets.pruneIdle(BUCKET_PREFIX, IDLE_BUCKET_MS);
  }
}
