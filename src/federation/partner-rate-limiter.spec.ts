import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { RateLimitedError } from '../errors/domain-error.js';
import { PartnerRateLimiter, TokenBuckets, isPartnerClient } from './partner-rate-limiter.js';
import { RateLimitGuard } from './rate-limit.guard.js';

describe('TokenBuckets', () => {
  it('admits a burst, then one request per refill interval, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets(6, 2, () => now); // one token every 10 s
    expect([buckets.take('RILO-WE'), buckets.take('RILO-WE')]).toEqual([0, 0]);
    expect(buckets.take('RILO-WE')).toBe(10);
    now = 4_000;
    expect(buckets.take('RILO-WE')).toBe(6);
    now = 10_000;
    expect(buckets.take('RILO-WE')).toBe(0);
    expect(buckets.take('RILO-WE')).toBe(10);
  });

  it('keeps agencies apart and never holds more than the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets(60, 3, () => now);
    for (let i = 0; i < 3; i += 1) expect(buckets.take('RILO-AP')).toBe(0);
    expect(buckets.take('RILO-AP')).toBeGreaterThan(0);
    expect(buckets.take('RILO-WE')).toBe(0);
    now = 3_600_000;
    for (let i = 0; i < 3; i += 1) expect(buckets.take('RILO-AP')).toBe(0);
    expect(buckets.take('RILO-AP')).toBeGreaterThan(0);
  });
});

describe('PartnerRateLimiter', () => {
  const principal = (overrides: Partial<Principal>): Principal => ({
    userId: 'u', email: 'u@x.test', agencyCode: 'RILO-WE', agencyKind: 'RILO', country: null, region: null, communities: [], roles: ['PARTNER'], authMethod: 'api-key',
    ...overrides,
  });
  const limiter = () => new PartnerRateLimiter({ rateLimit: { partnerRequestsPerMinute: 1, burst: 1 } } as AppConfig);

  it('limits PARTNER users and anyone of a RILO or partner agency, nobody else', () => {
    expect(isPartnerClient(principal({}))).toBe(true);
    expect(isPartnerClient(principal({ roles: ['ANALYST'] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'X', agencyKind: 'PARTNER', roles: [] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['PARTNER'] }))).toBe(true);
    expect(isPartnerClient(principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['ELO'] }))).toBe(false);
  });

  it('counts a request once however often it is checked, and keeps a refusal for the whole request', () => {
    const rateLimiter = limiter();
    const first = {};
    rateLimiter.admitOrThrow(first, principal({}));
    rateLimiter.admitOrThrow(first, principal({})); // a second root field of the same request
    const second = {};
    expect(() => rateLimiter.admitOrThrow(second, principal({}))).toThrow(RateLimitedError);
    expect(() => rateLimiter.admitOrThrow(second, principal({}))).toThrow(RateLimitedError);
    const member = principal({ agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', roles: ['ELO'] });
    for (let i = 0; i < 5; i += 1) rateLimiter.admitOrThrow({}, member);
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

  it('lets public requests through and answers an over-limit HTTP request with a Retry-After header', () => {
    const guard = new RateLimitGuard(new PartnerRateLimiter({ rateLimit: { partnerRequestsPerMinute: 2, burst: 1 } } as AppConfig));
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    expect(guard.canActivate(httpContext({ headers: {} }, reply))).toBe(true);
    expect(guard.canActivate(httpContext({ headers: {}, windward: { principal: partner } }, reply))).toBe(true);
    expect(() => guard.canActivate(httpContext({ headers: {}, windward: { principal: partner } }, reply))).toThrow(RateLimitedError);
    expect(headers.get('Retry-After')).toBe('30');
  });
});
