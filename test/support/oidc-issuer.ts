import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';

export interface TokenOptions {
  subject?: string;
  claims?: Record<string, unknown>;
  /** Seconds since the epoch; null: no exp claim. */
  expiresAt?: number | null;
  /** Seconds since the epoch; null: no iat claim. */
  issuedAt?: number | null;
  audience?: string;
}

/**
 * A local OpenID Connect issuer for tests: a discovery document and a JWKS on 127.0.0.1, and
 * tokens signed with its own ES256 key, with every claim under the test's control.
 */
export interface LocalIssuer {
  issuer: string;
  audience: string;
  token(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalIssuer(audience = 'windward'): Promise<LocalIssuer> {
  const kid = 'local-issuer-1';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  let issuer = '';
  const server = http.createServer((request, response) => {
    const json = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/jwks.json` });
    if (request.url === '/jwks.json') return json({ keys: [jwk] });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    audience,
    async token(options: TokenOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(options.claims ?? {})
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setSubject(options.subject ?? `sub-${Math.random().toString(36).slice(2)}`)
        .setIssuer(issuer)
        .setAudience(options.audience ?? audience);
      const issuedAt = options.issuedAt === undefined ? now - 5 : options.issuedAt;
      if (issuedAt !== null) jwt.setIssuedAt(issuedAt);
      const expiresAt = options.expiresAt === undefined ? now + 600 : options.expiresAt;
      if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
      return jwt.sign(privateKey as CryptoKey);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
