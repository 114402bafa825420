import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';

const ME = '{ me { email } }';

/** Every refusal looks the same: UNAUTHENTICATED, no data, and nothing of the presented secret. */
function expectUnauthenticated(response: GraphqlResponse, secret?: string): void {
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  expect(response.data).toBeNull();
  if (secret) expect(JSON.stringify(response)).not.toContain(secret);
}

async function createUser(platform: TestPlatform, agencyCode: string, email: string): Promise<void> {
  await platform.server.app.get(UsersService).createOrGet({ agencyCode, email, roles: ['ANALYST'] });
}

describe('authentication with API keys', () => {
  let platform: TestPlatform;
  let apiKeys: ApiKeysService;

  beforeAll(async () => {
    platform = await startTestPlatform();
    apiKeys = platform.server.app.get(ApiKeysService);
  });
  afterAll(() => platform.stop());

  it('accepts a valid key and tells who it belongs to', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const response = await platform.gql<{ me: { email: string } }>(user.key, '{ me { email authMethod } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.me).toEqual({ email: user.email, authMethod: 'api-key' });
  });

  it('refuses a request without an Authorization header', async () => {
    expectUnauthenticated(await platform.gql(null, ME));
  });

  it.each([['Basic x'], ['Bearer'], ['Bearer '], ['bearer-wwk_abc'], ['Bearer a b']])('refuses the malformed header %j', async (header) => {
    const response = await platform.http().post('/graphql').set('content-type', 'application/json').set('authorization', header).send({ query: ME });
    expectUnauthenticated({ status: response.status, data: response.body.data, errors: response.body.errors });
  });

  it('refuses a well-formed key that was never issued, without echoing it', async () => {
    const unknown = `wwk_${randomBytes(32).toString('base64url')}`;
    expectUnauthenticated(await platform.gql(unknown, ME), unknown);
  });

  it.each([['not-a-key!!'], ['wwk_short'], [`wwk_${'A'.repeat(44)}`], ['a.b.c']])('refuses the garbage token %j', async (token) => {
    expectUnauthenticated(await platform.gql(token, ME), token.length > 8 ? token : undefined);
  });

  it('refuses an OIDC-looking token when no issuer is configured', async () => {
    const jwtLike = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    expectUnauthenticated(await platform.gql(jwtLike, ME), jwtLike);
  });

  it('refuses an expired key', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const expired = await apiKeys.create(user.email, { ttl: '1m', now: new Date(Date.now() - 2 * 3_600_000) });
    expect(expired.expiresAt!.getTime()).toBeLessThan(Date.now());
    expectUnauthenticated(await platform.gql(expired.key, ME), expired.key);
    // The user's other, unexpired key still works: the refusal is about the key, not the user.
    expect((await platform.gql(user.key, ME)).data).toEqual({ me: { email: user.email } });
  });

  it('accepts a key with a TTL that has not run out yet', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const fresh = await apiKeys.create(user.email, { ttl: '1h' });
    expect((await platform.gql(fresh.key, ME)).data).toEqual({ me: { email: user.email } });
  });

  it('refuses a revoked key from the moment it is revoked', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    const created = await apiKeys.create(user.email);
    expect((await platform.gql(created.key, ME)).data).toEqual({ me: { email: user.email } });
    await apiKeys.revoke(created.id);
    expectUnauthenticated(await platform.gql(created.key, ME), created.key);
  });

  it('refuses every key of a disabled user', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect((await platform.gql(user.key, ME)).data).toEqual({ me: { email: user.email } });
    await platform.server.runtime.dataSource.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.userId]);
    await platform.server.runtime.credentialChanges?.caughtUp(); // a change by hand reaches the credential cache by notification
    expectUnauthenticated(await platform.gql(user.key, ME), user.key);
  });

  it('answers /health and /metrics without credentials', async () => {
    expect((await platform.http().get('/health')).status).toBe(200);
    const metrics = await platform.http().get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('windward_http_requests_total');
  });

  it('refuses POST /graphql without credentials', async () => {
    const response = await platform.http().post('/graphql').set('content-type', 'application/json').send({ query: '{ agencies { code } }' });
    expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(response.body.data).toBeNull();
  });
});

/** A minimal OIDC provider: discovery document and JWKS on 127.0.0.1. */
async function startIssuer(publicJwk: JWK): Promise<{ issuer: string; close(): Promise<void> }> {
  let issuer = '';
  const server = http.createServer((request, response) => {
    const json = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/jwks.json` });
    if (request.url === '/jwks.json') return json({ keys: [publicJwk] });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('authentication with OIDC tokens', () => {
  const KID = 'test-key-1';
  const AUDIENCE = 'windward';
  let platform: TestPlatform;
  let provider: { issuer: string; close(): Promise<void> };
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    provider = await startIssuer({ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' });
    platform = await startTestPlatform({ env: { OIDC_ISSUER: provider.issuer, OIDC_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => {
    await platform?.stop();
    await provider?.close();
  });

  interface TokenOptions {
    claims?: Record<string, unknown>;
    issuer?: string;
    audience?: string;
    expiresAt?: number;
    key?: CryptoKey | Uint8Array;
    alg?: string;
    kid?: string;
  }

  function token(subject: string, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(options.claims ?? {})
      .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? KID, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(options.issuer ?? provider.issuer)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(options.expiresAt ?? now + 600)
      .sign(options.key ?? privateKey);
  }

  async function newUser(): Promise<string> {
    const email = `oidc-${randomBytes(4).toString('hex')}@jm.test`;
    await createUser(platform, 'JM', email);
    return email;
  }

  it('accepts a valid token for an existing user and binds its subject', async () => {
    const email = await newUser();
    const subject = `sub-${randomBytes(4).toString('hex')}`;
    const first = await platform.gql<{ me: { email: string; authMethod: string } }>(
      await token(subject, { claims: { email: email.toUpperCase(), email_verified: true } }),
      '{ me { email authMethod } }',
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.me).toEqual({ email, authMethod: 'oidc' });

    const [row] = await platform.server.runtime.dataSource.query('SELECT oidc_subject FROM users WHERE email = $1', [email]);
    expect(row.oidc_subject).toBe(`${provider.issuer}|${subject}`);

    // Once bound, the subject alone identifies the user: no email claim needed.
    const second = await platform.gql<{ me: { email: string; authMethod: string } }>(await token(subject), '{ me { email authMethod } }');
    expect(second.errors).toBeUndefined();
    expect(second.data!.me).toEqual({ email, authMethod: 'oidc' });
  });

  it('does not let a second subject take over a user already bound to another one', async () => {
    const email = await newUser();
    const owner = `sub-${randomBytes(4).toString('hex')}`;
    expect((await platform.gql(await token(owner, { claims: { email, email_verified: true } }), ME)).data).toEqual({ me: { email } });
    const intruder = await token(`sub-${randomBytes(4).toString('hex')}`, { claims: { email, email_verified: true } });
    expectUnauthenticated(await platform.gql(intruder, ME), intruder);
  });

  it('refuses a token without an email claim for a subject that is not bound', async () => {
    const jwt = await token(`sub-${randomBytes(4).toString('hex')}`);
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token for another audience', async () => {
    const jwt = await token('aud-case', { claims: { email: await newUser(), email_verified: true }, audience: 'someone-else' });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token from another issuer', async () => {
    const jwt = await token('iss-case', { claims: { email: await newUser(), email_verified: true }, issuer: 'http://127.0.0.1:1' });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses an expired token', async () => {
    const jwt = await token('exp-case', { claims: { email: await newUser(), email_verified: true }, expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token signed by another key under the published key id', async () => {
    const jwt = await token('forged-case', { claims: { email: await newUser(), email_verified: true }, key: otherKey });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token signed by another key under an unknown key id', async () => {
    const jwt = await token('forged-kid-case', { claims: { email: await newUser(), email_verified: true }, key: otherKey, kid: 'not-published' });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a shared-secret (HS256) token', async () => {
    const jwt = await token('hs256-case', { claims: { email: await newUser(), email_verified: true }, alg: 'HS256', key: new TextEncoder().encode('a shared secret of at least 32 bytes!!') });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token for an email that has no user', async () => {
    const jwt = await token('nobody-case', { claims: { email: `nobody-${randomBytes(4).toString('hex')}@jm.test`, email_verified: true } });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('refuses a token whose email is not verified, and does not bind the subject', async () => {
    const email = await newUser();
    const jwt = await token('unverified-case', { claims: { email, email_verified: false } });
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
    const [row] = await platform.server.runtime.dataSource.query('SELECT oidc_subject FROM users WHERE email = $1', [email]);
    expect(row.oidc_subject).toBeNull();
  });

  it('refuses a bound subject once its user is disabled', async () => {
    const email = await newUser();
    const subject = `sub-${randomBytes(4).toString('hex')}`;
    expect((await platform.gql(await token(subject, { claims: { email, email_verified: true } }), ME)).data).toEqual({ me: { email } });
    await platform.server.runtime.dataSource.query(`UPDATE users SET status = 'DISABLED' WHERE email = $1`, [email]);
    await platform.server.runtime.credentialChanges?.caughtUp();
    const jwt = await token(subject);
    expectUnauthenticated(await platform.gql(jwt, ME), jwt);
  });

  it('still accepts API keys when OIDC is configured', async () => {
    const user = await platform.userWithKey('JM', ['ELO']);
    expect((await platform.gql(user.key, '{ me { authMethod } }')).data).toEqual({ me: { authMethod: 'api-key' } });
  });
});
