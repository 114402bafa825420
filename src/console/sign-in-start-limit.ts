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

/**
 * The bucket an address counts against: an IPv4 address itself (an IPv4-mapped IPv6 one too), an
 * IPv6 address by its /64, which one subscriber usually holds whole: counting each of its addresses
 * apart would let one machine start sign-ins without limit.
 */
export function clientBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail = ''] = address.toLowerCase().split('::');
  const groups = head ? head.split(':') : [];
  const rest = tail ? tail.split(':') : [];
  const full = address.includes('::') ? [...groups, ...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest] : groups;
  return `${full.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Starting a console sign-in is public and keeps a row in the database for ten minutes (the sealed
 * PKCE verifier and nonce), so it is limited per client address: `oidcStartsPerMinute` a minute,
 * as many at once, in buckets every replica shares. Anyone may still start a sign-in; nobody can
 * fill the database with them.
 */
@Injectable()
export class SignInStartLimit {
  private readonly buckets: SharedTokenBuckets;
  private lastPruned = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    const perMinute = config.rateLimit.oidcStartsPerMinute;
    this.buckets = new SharedTokenBuckets(dataSource, perMinute, perMinute);
  }

  /** Admits a sign-in started from `address`, or throws RateLimitedError. */
  async admitOrThrow(address: string): Promise<void> {
    await this.pruneIdle();
    const wait = await this.buckets.take(`oidc-start:${clientBucket(address)}`);
    if (wait > 0) throw new RateLimitedError(wait, 'sign-ins started from your address');
  }

  /**
   * A bucket left alone for two minutes is full again, the same as none: removed, at most once a
   * minute per process, so that addresses that came once do not stay in the table.
   */
  private async pruneIdle(now = Date.now()): Promise<void> {
    if (now - this.lastPruned < PRUNE_EVERY_MS) return;
    this.lastPruned = now;
    await this.dataSource.query("DELETE FROM partner_rate_buckets WHERE bucket LIKE 'oidc-start:%' AND touched_at < statement_timestamp() - $1::interval", [`${IDLE_BUCKET_MS / 1000} seconds`]);
  }
}
