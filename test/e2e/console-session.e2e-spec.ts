import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { jest } from '@jest/globals';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { OidcLoginService } from '../../src/console/oidc-login.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';

const ME = '{ me { email agency { code } } }';

// Two platforms start in this file; on embedded PGlite on a busy machine that takes a while.
jest.setTimeout(120_000);

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
  body: Record<string, unknown>;
}

async function signIn(platform: TestPlatform, apiKey: string): Promise<Session> {
  const response = await platform.http().post('/session').set('content-type', 'application/json').send({ apiKey });
  expect(response.status).toBe(201);
  const setCookie = String(response.headers['set-cookie']);
  return { cookie: /ww_session=[^;]+/.exec(setCookie)![0], csrf: response.body.csrfToken, setCookie, body: response.body };
}

function gqlWithCookie(platform: TestPlatform, session: Session, query: string, csrf: string | null = session.csrf) {
  let call = platform.http().post('/graphql').set('content-type', 'application/json').set('cookie', session.cookie);
  if (csrf !== null) call = call.set('x-csrf-token', csrf);
  return call.send({ query });
}

describe('console sessions', () => {
  let platform: TestPlatform;
  let jm: { key: string; email: string; userId: string };

  beforeAll(async () => {
    platform = await startTestPlatform();
    jm = await platform.userWithKey('JM', ['ELO']);
  });
  afterAll(() => platform?.stop());

  it('trades an API key for an HttpOnly, SameSite=Strict cookie and a CSRF token, never echoing the key', async () => {
    const session = await signIn(platform, jm.key);
    expect(session.setCookie).toMatch(/HttpOnly/);
    expect(session.setCookie).toMatch(/SameSite=Strict/);
    expect(session.setCookie).toMatch(/Path=\//);
    expect(session.setCookie).not.toContain(jm.key);
    expect(JSON.stringify(session.body)).not.toContain(jm.key);
    expect(session.body).toMatchObject({ principal: { email: jm.email, agencyCode: 'JM', roles: ['ELO'] } });
    // When it ends without another request (30 minutes idle), as GET /session says it; the cookie lasts to the 8-hour cap.
    expect(new Date(String(session.body.expiresAt)).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000 + 1000);
    expect((await platform.http().get('/session').set('cookie', session.cookie)).body.expiresAt).toBe(session.body.expiresAt);
    expect(Number(/Max-Age=(\d+)/.exec(session.setCookie)![1])).toBeGreaterThan(7 * 3600);
    const me = await gqlWithCookie(platform, session, ME);
    expect(me.body.data.me).toEqual({ email: jm.email, agency: { code: 'JM' } });
  });

  it('behind an HTTPS proxy sets a __Host- cookie, and reads no other (a sibling subdomain cannot plant one)', async () => {
    const response = await platform.http().post('/session').set('x-forwarded-proto', 'https').set('content-type', 'application/json').send({ apiKey: jm.key });
    expect(response.status).toBe(201);
    const setCookie = String(response.headers['set-cookie']);
    // A browser keeps a __Host- cookie only when it is Secure, has Path=/ and no Domain.
    expect(setCookie).toMatch(/^__Host-ww_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const id = /^__Host-ww_session=([^;]+)/.exec(setCookie)![1];
    const ask = (cookie: string) => platform.http().post('/graphql').set('x-forwarded-proto', 'https').set('content-type', 'application/json')
      .set('cookie', cookie).set('x-csrf-token', response.body.csrfToken).send({ query: ME });
    expect((await ask(`__Host-ww_session=${id}`)).body.data.me.email).toBe(jm.email);
    const bare = await ask(`ww_session=${id}`);
    expect(bare.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(bare.body.data?.me ?? null).toBeNull();
    const current = await platform.http().get('/session').set('x-forwarded-proto', 'https').set('cookie', `ww_session=${id}`);
    expect(current.status).toBe(401);
    const out = await platform.http().delete('/session').set('x-forwarded-proto', 'https')
      .set('cookie', `__Host-ww_session=${id}`).set('x-csrf-token', response.body.csrfToken);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-ww_session=; Path=\/; .*Max-Age=0; Secure$/);
    expect((await ask(`__Host-ww_session=${id}`)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses bad keys and malformed bodies with a clear error', async () => {
    const wrong = await platform.http().post('/session').set('content-type', 'application/json').send({ apiKey: `wwk_${'A'.repeat(43)}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const malformed = await platform.http().post('/session').set('content-type', 'application/json').send({ apiKey: 42 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a sign-in another site could make the browser send (login CSRF), with no cookie set', async () => {
    const attacker = await platform.userWithKey('KY', ['ELO']);
    const attempts = [
      // What an HTML form on another site sends: its encodings are the only ones a form has.
      platform.http().post('/session').set('content-type', 'application/x-www-form-urlencoded').send(`apiKey=${encodeURIComponent(attacker.key)}`),
      platform.http().post('/session').set('content-type', 'text/plain').send(JSON.stringify({ apiKey: attacker.key })),
      // JSON that the browser says came from another site (a preflight would stop it; this is the second lock).
      platform.http().post('/session').set('content-type', 'application/json').set('sec-fetch-site', 'cross-site').send({ apiKey: attacker.key }),
      platform.http().post('/session').set('content-type', 'application/json').set('origin', 'https://evil.example').send({ apiKey: attacker.key }),
      platform.http().post('/session').set('content-type', 'application/json').set('origin', 'null').send({ apiKey: attacker.key }),
    ];
    const answers = await Promise.all(attempts);
    expect(answers.map((answer) => [answer.status, answer.body.error?.code])).toEqual([
      [400, 'BAD_USER_INPUT'], [400, 'BAD_USER_INPUT'], [403, 'FORBIDDEN'], [403, 'FORBIDDEN'], [403, 'FORBIDDEN'],
    ]);
    for (const answer of answers) expect(answer.headers['set-cookie']).toBeUndefined();
    // The console's own request, as a browser sends it from the console's page, is accepted; behind a
    // proxy that sends its own Host, the browser's Sec-Fetch-Site decides.
    const own = await platform.http().post('/session').set('content-type', 'application/json; charset=utf-8').set('host', 'windward.example:8443')
      .set('sec-fetch-site', 'same-origin').set('origin', 'https://windward.example:8443').send({ apiKey: attacker.key });
    expect(own.status).toBe(201);
    const proxied = await platform.http().post('/session').set('content-type', 'application/json').set('host', '10.0.0.7:4000')
      .set('sec-fetch-site', 'same-origin').set('origin', 'https://windward.example').send({ apiKey: attacker.key });
    expect(proxied.status).toBe(201);
    const olderBrowser = await platform.http().post('/session').set('content-type', 'application/json').set('host', 'windward.example')
      .set('origin', 'https://windward.example').send({ apiKey: attacker.key });
    expect(olderBrowser.status).toBe(201);
  });

  it('does not accept the cookie alone on a state-changing request: the CSRF token must come with it', async () => {
    const session = await signIn(platform, jm.key);
    const missing = await gqlWithCookie(platform, session, ME, null);
    expect(missing.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const wrong = await gqlWithCookie(platform, session, ME, randomBytes(32).toString('base64url'));
    expect(wrong.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Another session's token does not fit either.
    const other = await signIn(platform, jm.key);
    const crossed = await gqlWithCookie(platform, session, ME, other.csrf);
    expect(crossed.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session made from a key with an expiry when the key expires, and says so', async () => {
    const { key } = await platform.server.app.get(ApiKeysService).create(jm.email, { ttl: '10m' });
    const session = await signIn(platform, key);
    const ends = new Date(String(session.body.expiresAt)).getTime() - Date.now();
    expect(ends).toBeLessThanOrEqual(10 * 60_000 + 1000);
    expect(ends).toBeGreaterThan(9 * 60_000);
    // The cookie too, not the 8-hour cap.
    expect(Number(/Max-Age=(\d+)/.exec(session.setCookie)![1])).toBeLessThanOrEqual(600);
  });

  it('GET /session gives a reloaded page its principal and CSRF token; without a session it is 401', async () => {
    const session = await signIn(platform, jm.key);
    const current = await platform.http().get('/session').set('cookie', session.cookie);
    expect(current.status).toBe(200);
    expect(current.body.csrfToken).toBe(session.csrf);
    expect(current.headers['cache-control']).toBe('no-store');
    const none = await platform.http().get('/session');
    expect(none.status).toBe(401);
  });

  it('sign-out ends the session on the server, and needs the CSRF token', async () => {
    const session = await signIn(platform, jm.key);
    const forged = await platform.http().delete('/session').set('cookie', session.cookie);
    expect(forged.status).toBe(401);
    expect((await gqlWithCookie(platform, session, ME)).body.data.me.email).toBe(jm.email);

    const out = await platform.http().delete('/session').set('cookie', session.cookie).set('x-csrf-token', session.csrf);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/ww_session=;.*Max-Age=0/);
    // The same cookie, replayed, is worth nothing now.
    const replay = await gqlWithCookie(platform, session, ME);
    expect(replay.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await platform.http().get('/session').set('cookie', session.cookie)).status).toBe(401);
  });

  it('revoking the API key ends the sessions made from it at once', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const admin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
    const session = await signIn(platform, user.key);
    const users = await platform.gql<{ agencyUsers: { email: string; apiKeys: { id: string }[] }[] }>(admin.key, '{ agencyUsers { email apiKeys { id } } }');
    const keyId = users.data!.agencyUsers.find((u) => u.email === user.email)!.apiKeys[0].id;
    const revoked = await platform.gql(admin.key, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: keyId });
    expect(revoked.errors).toBeUndefined();
    const after = await gqlWithCookie(platform, session, ME);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('disabling the user ends their sessions for good: enabled again, they sign in afresh', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const session = await signIn(platform, user.key);
    const users = platform.server.app.get(UsersService); // `windward user update --status …`
    await users.update(user.email, { status: 'DISABLED' });
    expect((await gqlWithCookie(platform, session, ME)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await users.update(user.email, { status: 'ACTIVE' });
    expect((await gqlWithCookie(platform, session, ME)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await platform.http().get('/session').set('cookie', session.cookie)).status).toBe(401);
    // The key itself was not revoked: a new sign-in works.
    const again = await signIn(platform, user.key);
    expect((await gqlWithCookie(platform, again, ME)).body.data.me.email).toBe(user.email);
  });

  it("lets an agency administrator manage only their own agency's users and keys", async () => {
    const jmAdmin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
    const kyUser = await platform.userWithKey('KY', ['ELO']);
    const list = await platform.gql<{ agencyUsers: { email: string }[] }>(jmAdmin.key, '{ agencyUsers { email } }');
    expect(list.data!.agencyUsers.map((u) => u.email)).toContain(jm.email);
    expect(list.data!.agencyUsers.map((u) => u.email)).not.toContain(kyUser.email);
    const create = await platform.gql(jmAdmin.key, 'mutation($u: ID!) { createApiKey(userId: $u) { key } }', { u: kyUser.userId });
    expect(create.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const byElo = await platform.gql(jm.key, '{ agencyUsers { email } }');
    expect(byElo.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const created = await platform.gql<{ createApiKey: { key: string } }>(jmAdmin.key, 'mutation($u: ID!) { createApiKey(userId: $u, label: "laptop", ttl: "1d") { key expiresAt } }', { u: jm.userId });
    expect(created.data!.createApiKey.key).toMatch(/^wwk_/);
    expect((await platform.gql(created.data!.createApiKey.key, ME)).data).toMatchObject({ me: { email: jm.email } });
  });

  it('accepts the session on WebSocket subscriptions only with the CSRF token in connection_init', async () => {
    const session = await signIn(platform, jm.key);
    const url = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
    const open = (params: Record<string, unknown>) =>
      new Promise<'acked' | number>((resolve) => {
        const client = createClient({
          url,
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => {},
          connectionParams: params,
          webSocketImpl: class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { headers: { cookie: session.cookie } });
            }
          },
          on: {
            connected: () => {
              resolve('acked');
              void client.dispose();
            },
            closed: (event) => resolve((event as { code: number }).code),
          },
        });
      });
    expect(await open({ csrfToken: session.csrf })).toBe('acked');
    expect(await open({})).toBe(4403);
    expect(await open({ csrfToken: 'nope' })).toBe(4403);
  });

  it('behind an HTTPS proxy takes the __Host- cookie on WebSockets too, for the connection and each operation', async () => {
    const signedIn = await platform.http().post('/session').set('x-forwarded-proto', 'https').set('content-type', 'application/json').send({ apiKey: jm.key });
    const id = /^__Host-ww_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))![1];
    const url = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
    const ask = (cookie: string) =>
      new Promise<{ email?: string; closed?: number }>((resolve) => {
        const client = createClient({
          url,
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => {},
          connectionParams: { csrfToken: signedIn.body.csrfToken },
          webSocketImpl: class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { headers: { cookie, 'x-forwarded-proto': 'https' } });
            }
          },
          on: { closed: (event) => resolve({ closed: (event as { code: number }).code }) },
        });
        client.subscribe<{ me: { email: string } }>({ query: ME }, {
          next: (result) => {
            resolve({ email: result.data?.me.email });
            void client.dispose();
          },
          error: () => resolve({}),
          complete: () => undefined,
        });
      });
    expect(await ask(`__Host-ww_session=${id}`)).toEqual({ email: jm.email });
    expect(await ask(`ww_session=${id}`)).toEqual({ closed: 4403 });
  });

  it("signing out closes the session's open WebSocket at once (4403), and the cookie cannot open another", async () => {
    const session = await signIn(platform, jm.key);
    const url = `${platform.server.url.replace(/^http/, 'ws')}/graphql`;
    const connect = () => {
      let connected!: (value: 'acked' | number) => void;
      let ended!: (code: number) => void;
      const acked = new Promise<'acked' | number>((resolve) => (connected = resolve));
      const closed = new Promise<number>((resolve) => (ended = resolve));
      const client = createClient({
        url,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: { csrfToken: session.csrf },
        webSocketImpl: class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers: { cookie: session.cookie } });
          }
        },
        on: {
          connected: () => connected('acked'),
          closed: (event) => {
            const code = (event as { code: number }).code;
            connected(code);
            ended(code);
          },
        },
      });
      return { acked, closed, client };
    };
    const live = connect();
    expect(await live.acked).toBe('acked');
    const out = await platform.http().delete('/session').set('cookie', session.cookie).set('x-csrf-token', session.csrf);
    expect(out.status).toBe(204);
    const code = await Promise.race([live.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5000))]);
    expect(code).toBe(4403);
    const again = connect();
    expect(await again.acked).toBe(4403);
    await Promise.all([live.client.dispose(), again.client.dispose()]);
  });

  it('serves the console at / under a strict Content-Security-Policy, and GraphiQL stays at /graphql', async () => {
    const page = await platform.http().get('/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    // No inline script: every script tag loads a file from this origin.
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    const src = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1];
    const asset = await platform.http().get(src);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-security-policy']).toBe(csp);
    expect((await platform.http().get('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await platform.http().get('/assets/nope.js')).status).toBe(404);
    const graphiql = await platform.http().get('/graphql').set('accept', 'text/html');
    expect(graphiql.status).toBe(200);
    expect(graphiql.text).toContain('GraphiQL');
  });
});

describe('console sign-in with OIDC (authorization code with PKCE)', () => {
  const AUDIENCE = 'windward';
  const CLIENT_ID = 'windward-console';
  let platform: TestPlatform;
  let provider: { issuer: string; close(): Promise<void>; lastTokenRequest?: URLSearchParams; subject: string; email: string };
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const state: typeof provider = { issuer: '', close: async () => {}, subject: `sub-${randomBytes(4).toString('hex')}`, email: '' };
    const codes = new Map<string, { challenge: string; nonce: string }>();
    const server = http.createServer((request, response) => {
      const url = new URL(request.url!, state.issuer);
      const json = (body: unknown, status = 200) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json({ issuer: state.issuer, jwks_uri: `${state.issuer}/jwks`, authorization_endpoint: `${state.issuer}/authorize`, token_endpoint: `${state.issuer}/token` });
      }
      if (url.pathname === '/jwks') return json({ keys: [jwk] });
      if (url.pathname === '/authorize') {
        // The provider "signs the user in" at once and sends the browser back with a code.
        const code = randomBytes(8).toString('hex');
        codes.set(code, { challenge: url.searchParams.get('code_challenge')!, nonce: url.searchParams.get('nonce')! });
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state')!);
        response.writeHead(302, { location: back.toString() });
        return response.end();
      }
      if (url.pathname === '/token' && request.method === 'POST') {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', async () => {
          const form = new URLSearchParams(body);
          state.lastTokenRequest = form;
          const issued = codes.get(form.get('code') ?? '');
          const { createHash } = await import('node:crypto');
          const verifierOk = issued && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === issued.challenge;
          if (!issued || !verifierOk) return json({ error: 'invalid_grant' }, 400);
          codes.delete(form.get('code')!);
          const now = Math.floor(Date.now() / 1000);
          const sign = (claims: Record<string, unknown>, audience: string) =>
            new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject(state.subject).setIssuer(state.issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
          json({ access_token: await sign({ email: state.email, email_verified: true }, AUDIENCE), id_token: await sign({ email: state.email, email_verified: true, nonce: issued.nonce }, CLIENT_ID), token_type: 'Bearer', expires_in: 600 });
        });
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    state.close = () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    provider = state;
    platform = await startTestPlatform({ env: { OIDC_ISSUER: state.issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_CLIENT_ID: CLIENT_ID } });
    provider.email = (await platform.userWithKey('KY', ['ELO'])).email;
  });
  afterAll(async () => {
    await platform?.stop();
    await provider?.close();
  });

  it('runs the code flow with an S256 challenge, checks state and verifier, and ends in a session', async () => {
    expect((await platform.http().get('/session/options')).body).toEqual({ oidc: true });
    const start = await platform.http().get('/session/oidc');
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.location);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    const stateCookie = /ww_oidc_state=[^;]+/.exec(String(start.headers['set-cookie']))![0];
    expect(String(start.headers['set-cookie'])).toMatch(/HttpOnly/);

    // The provider sends the browser back.
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location')!);
    const path = `${callback.pathname}${callback.search}`;

    // Without this browser's state cookie (a login-CSRF attempt), the code is refused.
    const foreign = await platform.http().get(path);
    expect(foreign.status).toBe(401);

    // The refused attempt used up nothing: the server still holds the state; but the code is single-use at the provider, so start again.
    const again = await platform.http().get('/session/oidc');
    const cookie2 = /ww_oidc_state=[^;]+/.exec(String(again.headers['set-cookie']))![0];
    const back2 = new URL((await fetch(new URL(again.headers.location), { redirect: 'manual' })).headers.get('location')!);
    const done = await platform.http().get(`${back2.pathname}${back2.search}`).set('cookie', cookie2);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/');
    expect(provider.lastTokenRequest?.get('code_verifier')).toBeTruthy();
    expect(String(done.headers['set-cookie'])).toMatch(/ww_oidc_state=;[^,]*Max-Age=0/);
    const sessionCookie = /ww_session=[^;]+/.exec(String(done.headers['set-cookie']))![0];
    expect(String(done.headers['set-cookie'])).toMatch(/SameSite=Strict/);
    const current = await platform.http().get('/session').set('cookie', sessionCookie);
    expect(current.status).toBe(200);
    expect(current.body.principal).toMatchObject({ email: provider.email, agencyCode: 'KY', authMethod: 'oidc' });
    const me = await platform.http().post('/graphql').set('content-type', 'application/json').set('cookie', sessionCookie).set('x-csrf-token', current.body.csrfToken).send({ query: ME });
    expect(me.body.data.me.email).toBe(provider.email);
    // A state is good once: Windward refuses it again without asking the provider.
    provider.lastTokenRequest = undefined;
    expect((await platform.http().get(`${back2.pathname}${back2.search}`).set('cookie', cookie2)).status).toBe(401);
    expect(provider.lastTokenRequest).toBeUndefined();
    void stateCookie;
  });

  it('behind an HTTPS proxy keeps the state in a __Host- cookie and reads no other', async () => {
    const begin = async () => {
      const start = await platform.http().get('/session/oidc').set('x-forwarded-proto', 'https');
      expect(start.status).toBe(302);
      const setCookie = String(start.headers['set-cookie']);
      expect(setCookie).toMatch(/^__Host-ww_oidc_state=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
      const back = new URL((await fetch(new URL(start.headers.location), { redirect: 'manual' })).headers.get('location')!);
      return { state: /^__Host-ww_oidc_state=([^;]+)/.exec(setCookie)![1], path: `${back.pathname}${back.search}` };
    };
    const planted = await begin();
    const bare = await platform.http().get(planted.path).set('x-forwarded-proto', 'https').set('cookie', `ww_oidc_state=${planted.state}`);
    expect(bare.status).toBe(401);
    const own = await begin();
    const done = await platform.http().get(own.path).set('x-forwarded-proto', 'https').set('cookie', `__Host-ww_oidc_state=${own.state}`);
    expect(done.status).toBe(303);
    expect(String(done.headers['set-cookie'])).toMatch(/__Host-ww_oidc_state=; Path=\/;[^,]*Max-Age=0; Secure/);
    const session = /__Host-ww_session=[^;]+/.exec(String(done.headers['set-cookie']))![0];
    const current = await platform.http().get('/session').set('x-forwarded-proto', 'https').set('cookie', session);
    expect(current.body.principal).toMatchObject({ email: provider.email, authMethod: 'oidc' });
  });

  it("refuses a callback that is not the browser's own sign-in, and the refusal clears its state cookie", async () => {
    const first = await platform.http().get('/session/oidc');
    const firstCookie = /ww_oidc_state=[^;]+/.exec(String(first.headers['set-cookie']))![0];
    const second = await platform.http().get('/session/oidc');
    const back = new URL((await fetch(new URL(second.headers.location), { redirect: 'manual' })).headers.get('location')!);
    provider.lastTokenRequest = undefined;
    const crossed = await platform.http().get(`${back.pathname}${back.search}`).set('cookie', firstCookie);
    expect(crossed.status).toBe(401);
    expect(crossed.body.error.code).toBe('UNAUTHENTICATED');
    expect(String(crossed.headers['set-cookie'])).toMatch(/ww_oidc_state=;[^,]*Max-Age=0/);
    // The browser, which follows the provider's redirect here, gets a page rather than JSON.
    const page = await platform.http().get(`${back.pathname}${back.search}`).set('cookie', firstCookie).set('accept', 'text/html');
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('401 UNAUTHENTICATED');
    expect(page.text).toContain('Back to the sign-in page');
    // A link to a path that does not exist says so, without echoing the path on a Windward page.
    const spoof = await platform.http().get('/Your-session-expired.-Call-555-0100').set('accept', 'text/html');
    expect(spoof.status).toBe(404);
    expect(spoof.text).toContain('There is no such page.');
    expect(spoof.text).not.toContain('555-0100');
    expect(provider.lastTokenRequest).toBeUndefined();
  });

  it('keeps a sign-in in progress in the database, sealed, for 10 minutes, and takes it once', async () => {
    const logins = platform.server.app.get(OidcLoginService);
    const database = platform.server.runtime.dataSource;
    const started = Date.now();
    const redirect = 'https://console.example/session/oidc/callback';
    const late = await logins.begin(redirect, started);
    const stored = JSON.stringify(await database.query("SELECT state_hash, encode(pending, 'hex') AS pending FROM console_oidc_logins"));
    expect(stored).not.toContain(late.state);
    expect(stored).not.toContain(Buffer.from('console.example').toString('hex'));
    provider.lastTokenRequest = undefined;
    // Ten minutes and a millisecond later: refused before the provider is asked, and used up.
    await expect(logins.complete(late.state, late.state, 'a-code', started + 10 * 60_000 + 1)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(logins.complete(late.state, late.state, 'a-code', started)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(provider.lastTokenRequest).toBeUndefined();
    // A state that is not the cookie's, or not one this platform started, is refused too.
    const other = await logins.begin(redirect, started);
    await expect(logins.complete(other.state, late.state, 'a-code', started)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(logins.complete('x'.repeat(32), 'x'.repeat(32), 'a-code', started)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(provider.lastTokenRequest).toBeUndefined();
    // Expired sign-ins are removed as new ones start.
    await logins.begin(redirect, started + 10 * 60_000 + 1);
    const [{ count }] = await database.query('SELECT count(*)::int AS count FROM console_oidc_logins WHERE created_at <= $1', [new Date(started)]);
    expect(count).toBe(0);
  });

  it('limits sign-ins started from one address (HTTP 429 with Retry-After), behind a trusted proxy by the forwarded address', async () => {
    // 60 a minute: of 90 at once from one browser, some are refused; another browser is not; a moment later one more is admitted.
    const limited = await startTestPlatform({
      env: { OIDC_ISSUER: provider.issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_CLIENT_ID: CLIENT_ID, RATE_LIMIT_OIDC_START_PER_MINUTE: '60', TRUSTED_PROXIES: '127.0.0.1,::1' },
    });
    try {
      const { dataSource } = limited.server.runtime;
      const start = (client: string) => limited.http().get('/session/oidc').set('x-forwarded-for', client);
      const pending = async () => ((await dataSource.query('SELECT count(*)::int AS n FROM console_oidc_logins')) as { n: number }[])[0].n;
      const starts = await Promise.all(Array.from({ length: 90 }, () => start('198.51.100.1')));
      const admitted = starts.filter((reply) => reply.status === 302).length;
      expect(admitted).toBeGreaterThanOrEqual(60); // the bucket's size, and what refilled meanwhile
      expect(admitted).toBeLessThan(90);
      expect(starts.every((reply) => reply.status === 302 || reply.status === 429)).toBe(true);
      const refused = starts.find((reply) => reply.status === 429)!;
      expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/sign-ins started from your address; retry in \d+ s/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['set-cookie']).toBeUndefined();
      expect(await pending()).toBe(admitted); // the refused starts kept nothing
      // The console's sign-in link is a browser navigation: it lands on a page saying so, with the way back.
      const navigation = await start('198.51.100.1').set('accept', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
      expect(navigation.status).toBe(429);
      expect(navigation.headers['content-type']).toMatch(/^text\/html/);
      expect(Number(navigation.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(navigation.text).toMatch(/sign-ins started from your address; retry in \d+ s/);
      expect(navigation.text).toContain('<a href="/">Back to the sign-in page</a>');
      expect(navigation.text).not.toMatch(/<script|style=/);
      expect(navigation.headers['content-security-policy']).toContain("default-src 'none'");
      expect(navigation.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store', vary: 'accept' });
      expect((await start('198.51.100.2')).status).toBe(302);
      const buckets = (await dataSource.query("SELECT bucket FROM partner_rate_buckets WHERE bucket LIKE 'oidc-start:%' ORDER BY bucket")) as { bucket: string }[];
      expect(buckets.map((row) => row.bucket)).toEqual(['oidc-start:198.51.100.1', 'oidc-start:198.51.100.2']);
      await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1000 + 100));
      expect((await start('198.51.100.1')).status).toBe(302);
    } finally {
      await limited.stop();
    }
  });
});
