import { pendingCookieValue, pendingFromCookie } from './oidc-login.service.js';

describe('the OIDC sign-in in its state cookie', () => {
  const pending = {
    state: 'S'.repeat(32),
    verifier: 'v'.repeat(64),
    nonce: 'n'.repeat(32),
    redirectUri: 'https://windward.example/session/oidc/callback',
    startedAt: Date.UTC(2026, 11, 7, 9),
  };

  it('reads back what it wrote, the state first', () => {
    const value = pendingCookieValue(pending);
    expect(value.startsWith(`${pending.state}.`)).toBe(true);
    expect(value).toMatch(/^[A-Za-z0-9_.-]+$/); // a cookie value needs no quoting
    expect(pendingFromCookie(value)).toEqual(pending);
  });

  it('refuses anything else, whole or in part, without throwing', () => {
    const value = pendingCookieValue(pending);
    const rest = (fields: Record<string, unknown>) => `${pending.state}.${Buffer.from(JSON.stringify(fields)).toString('base64url')}`;
    const { state: _state, ...fields } = pending;
    for (const bad of [
      undefined,
      '',
      pending.state, // the state alone, as earlier versions wrote it
      value.slice(1),
      `${'S'.repeat(31)}.${value.split('.')[1]}`,
      `${pending.state}.not base64 json`,
      `${pending.state}.${Buffer.from('[1,2]').toString('base64url')}`,
      rest({ ...fields, verifier: 'short' }),
      rest({ ...fields, nonce: 42 }),
      rest({ ...fields, redirectUri: 'x'.repeat(2000) }),
      rest({ ...fields, startedAt: 'yesterday' }),
      `${value}${'A'.repeat(2048)}`,
    ]) {
      expect(pendingFromCookie(bad)).toBeNull();
    }
  });
});
