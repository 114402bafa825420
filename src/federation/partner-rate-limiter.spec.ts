import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { RateLimitedError } from '../errors/domain-error.js';
import type { DataSource } from 'typeorm';
import { PartnerRateLimiter, isPartnerClient, type TokenBucketStore } from './partner-rate-limiter.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** Buckets of `size` tokens that never refill: enough to see who spends and who is refused. */
function fixedBuckets(size: number): TokenBucketStore & { taken: string[] } {
  const left = new Map<string, number>();
  const taken: string[] = [];
  return {
    taken,
    take(key: string) {
      taken.push(key);
      const tokens = left.get(key) ?? size;
      left.set(key, tokens - 1);
      return Promise.resolve(tokens >= 1 ? 0 : 30);
    },
  };
}

describe('PartnerRateLimiter', () => {
  const principal = (overrides: Partial<Principal>): Principal => ({
    userId: 'u', email: 'u@x.test', agencyCode: 'RILO-WE', agencyKind: 'RILO', country: null, region: null, communities: [], roles: ['PARTNER'], authMethod: 'api-key',
    ...overrides,
  });
  const config = { rateLimit: { partnerRequestsPerMinute: 1, burst: 1 } } as AppConfig;
  const limiter = (buckets = fixedBuckets(1)) => new PartnerRateLimiter(config, {} as DataSource, buckets);

  it('limits PARTNER users and anyone of a RILO or partner agency, nobody else', () => {
    expect(isPartnerClient(principal({}))).toBe(true);
    expect(isPartnerClient(principal({ roles: ['ANALYST'] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'X', agencyKind: 'PARTNER', roles: [] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['PARTNER'] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['ELO'] }))).toBe(false);
  });

  it('counts a request once however often it is checked, and keeps a refusal for the whole request', async () => {
    const buckets = fixedBuckets(1);
    const rateLimiter = limiter(buckets);
    const first = {};
    await rateLimiter.admitOrThrow(first, principal({}));
    await rateLimiter.admitOrThrow(first, principal({})); // a second root field of the same request
    const second = {};
    await expect(rateLimiter.admitOrThrow(second, principal({}))).rejects.toThrow(RateLimitedError);
    await expect(rateLimiter.admitOrThrow(second, principal({}))).rejects.toThrow(RateLimitedError);
    expect(buckets.taken).toEqual(['agency:RILO-WE', 'agency:RILO-WE']);
    const member = principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['ELO'] });
    for (let i = 0; i < 5; i += 1) await rateLimiter.admitOrThrow({}, member);
    expect(buckets.taken).toHaveLength(2); // members spend nothing
  });

  it('spends one token for root fields checked at the same time', async () => {
    const buckets = fixedBuckets(5);
    const rateLimiter = limiter(buckets);
    const request = {};
    await Promise.all([rateLimiter.admitOrThrow(request, principal({})), rateLimiter.admitOrThrow(request, principal({})), rateLimiter.admitOrThrow(request, principal({}))]);
    expect(buckets.taken).toHaveLength(1);
  });
});

describe('RateLimitGuard', () => {
  const partner: Principal = {
    userId: 'u', email: 'u@x.test', agencyCode: 'RILO-WE', agencyKind: 'RILO', country: null, region: null, communities: [], roles: ['PARTNER'], authMethod: 'api-key',
  };
  function httpContext(request: object, reply: { header(name: string, value: string): unknown }): ExecutionContext {
    return {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    } as unknown as ExecutionContext;
  }

  it('lets public requests through and answers an over-limit HTTP request with a Retry-After header', async () => {
    const guard = new RateLimitGuard(new PartnerRateLimiter({ rateLimit: { partnerRequestsPerMinute: 2, burst: 1 } } as AppConfig, {} as DataSource, fixedBuckets(1)));
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    await expect(guard.canActivate(httpContext({ headers: {} }, reply))).resolves.toBe(true);
    await expect(guard.canActivate(httpContext({ headers: {}, windward: { principal: partner } }, reply))).resolves.toBe(true);
    await expect(guard.canActivate(httpContext({ headers: {}, windward: { principal: partner } }, reply))).rejects.toThrow(RateLimitedError);
    expect(headers.get('Retry-After')).toBe('30');
  });

  it('passes a failure of the buckets on as it is, with no Retry-After', async () => {
    const failing: TokenBucketStore = { take: () => Promise.reject(new Error('connection lost')) };
    const guard = new RateLimitGuard(new PartnerRateLimiter({ rateLimit: { partnerRequestsPerMinute: 2, burst: 1 } } as AppConfig, {} as DataSource, failing));
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    await expect(guard.canActivate(httpContext({ headers: {}, windward: { principal: partner } }, reply))).rejects.toThrow('connection lost');
    expect(headers.size).toBe(0);
  });
});
