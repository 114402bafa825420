import { ConsoleSessions, SESSION_IDLE_MS, SESSION_MAX_MS, cookieValue, csrfMatches } from './console-sessions.js';

describe('ConsoleSessions', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('opens a session under a random id and finds it again, with its CSRF token', () => {
    const sessions = new ConsoleSessions(clock);
    const a = sessions.open('Bearer wwk_a', 'user-a');
    const b = sessions.open('Bearer wwk_a', 'user-a');
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.lookup(a.id)).toMatchObject({ authorization: 'Bearer wwk_a', csrfToken: a.csrfToken });
    expect(sessions.lookup('not-an-id')).toBeNull();
    expect(sessions.lookup(undefined)).toBeNull();
    expect(sessions.lookup('x'.repeat(500))).toBeNull();
  });

  it('ends a session after the idle time, and activity keeps it alive until the absolute limit', () => {
    const sessions = new ConsoleSessions(clock);
    const idle = sessions.open('Bearer k', 'u');
    now += SESSION_IDLE_MS;
    expect(sessions.lookup(idle.id)).toBeNull();

    const busy = sessions.open('Bearer k', 'u');
    const start = now;
    while (now - start < SESSION_MAX_MS - SESSION_IDLE_MS / 2) {
      now += SESSION_IDLE_MS / 2;
      expect(sessions.lookup(busy.id)).not.toBeNull();
    }
    now = start + SESSION_MAX_MS;
    expect(sessions.lookup(busy.id)).toBeNull();
  });

  it('never outlives the credential it stands for (an OIDC token expiry)', () => {
    const sessions = new ConsoleSessions(clock);
    const session = sessions.open('Bearer jwt', 'u', new Date(now + 60_000));
    expect(session.expiresAt.getTime()).toBe(now + 60_000);
    now += 60_000;
    expect(sessions.lookup(session.id)).toBeNull();
  });

  it('closes one session and leaves the others', () => {
    const sessions = new ConsoleSessions(clock);
    const a = sessions.open('Bearer a', 'user-a');
    const b = sessions.open('Bearer a', 'user-a');
    expect(sessions.close(a.id)).toBe(true);
    expect(sessions.close(a.id)).toBe(false);
    expect(sessions.lookup(a.id)).toBeNull();
    expect(sessions.lookup(b.id)).not.toBeNull();
    expect(sessions.size).toBe(1);
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
