import { randomBytes } from 'node:crypto';
import { openUnderKey, sealUnderKey } from '../crypto/keyed-seal.js';
import { cookieValue, csrfMatches, overHttps, sessionIdOf, sessionRowContext, sessionSecrets } from './console-sessions.js';

describe('what the database holds of a console session', () => {
  it('derives the row key, the sealing key and the CSRF token from the id, each different per id', () => {
    const id = randomBytes(32).toString('base64url');
    const a = sessionSecrets(id);
    expect(sessionSecrets(id)).toEqual(a); // any replica derives the same from the cookie
    expect(a.idHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.idHash, a.csrfToken, id]).size).toBe(3);
    const b = sessionSecrets(randomBytes(32).toString('base64url'));
    expect(b.idHash).not.toBe(a.idHash);
    expect(b.csrfToken).not.toBe(a.csrfToken);
    expect(b.sealKey.equals(a.sealKey)).toBe(false);
  });

  it('seals a credential to its row: the wrong key, another row, user or end, or a changed byte opens nothing', () => {
    const { idHash, sealKey } = sessionSecrets(randomBytes(32).toString('base64url'));
    const end = new Date(Date.UTC(2026, 11, 7, 17));
    const context = sessionRowContext(idHash, 'user-a', end);
    const sealed = sealUnderKey(sealKey, context, 'an OIDC token');
    expect(sealed.toString('latin1')).not.toContain('OIDC');
    expect(openUnderKey(sealKey, context, sealed)).toBe('an OIDC token');
    expect(openUnderKey(sessionSecrets(randomBytes(32).toString('base64url')).sealKey, context, sealed)).toBeNull();
    expect(openUnderKey(sealKey, sessionRowContext('another row', 'user-a', end), sealed)).toBeNull();
    expect(openUnderKey(sealKey, sessionRowContext(idHash, 'user-b', end), sealed)).toBeNull();
    expect(openUnderKey(sealKey, sessionRowContext(idHash, 'user-a', new Date(end.getTime() + 1)), sealed)).toBeNull();
    const tampered = Buffer.from(sealed);
    tampered[14] ^= 1;
    expect(openUnderKey(sealKey, context, tampered)).toBeNull();
    expect(openUnderKey(sealKey, context, Buffer.alloc(10))).toBeNull();
  });
});

describe('csrfMatches and cookieValue', () => {
  it('compares tokens exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abd', 'abc')).toBe(false);
    expect(csrfMatches('ab', 'abc')).toBe(false);
    expect(csrfMatches(undefined, 'abc')).toBe(false);
    expect(csrfMatches(['abc'], 'abc')).toBe(false);
  });

  it('reads one cookie from a Cookie header', () => {
    expect(cookieValue('a=1; ww_session=xyz; b=2', 'ww_session')).toBe('xyz');
    expect(cookieValue('xww_session=no', 'ww_session')).toBeUndefined();
    expect(cookieValue(undefined, 'ww_session')).toBeUndefined();
  });
});

describe('the session cookie over HTTPS', () => {
  it('takes the scheme from the proxy (first of a chain) or from Fastify', () => {
    expect(overHttps({ 'x-forwarded-proto': 'https' })).toBe(true);
    expect(overHttps({ 'x-forwarded-proto': 'HTTPS, http' })).toBe(true);
    expect(overHttps({ 'x-forwarded-proto': 'http, https' })).toBe(false);
    expect(overHttps({}, 'https')).toBe(true);
    expect(overHttps({})).toBe(false);
  });

  it('reads only the __Host- cookie over HTTPS, and only the bare one over HTTP', () => {
    const both = 'ww_session=planted; __Host-ww_session=own';
    expect(sessionIdOf({ cookie: both, 'x-forwarded-proto': 'https' })).toBe('own');
    expect(sessionIdOf({ cookie: 'ww_session=planted', 'x-forwarded-proto': 'https' })).toBeUndefined();
    expect(sessionIdOf({ cookie: both })).toBe('planted');
    expect(sessionIdOf({ cookie: '__Host-ww_session=own' })).toBeUndefined();
  });
});
