import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { IsNull, type Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { UserEntity } from '../users/user.entity.js';

/** Only asymmetric algorithms: a shared-secret (HS*) token could be forged by anyone holding the secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies OIDC access/ID tokens from the configured issuer against its published keys (JWKS) and
 * maps them to a Windward user: by the bound `iss|sub`, or on first sign-in by the email claim.
 */
@Injectable()
export class OidcService {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.oidc.issuer);
  }

  /** True when the token looks like a JWT (three base64url parts), so it is not an API key. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  async userForToken(token: string): Promise<UserEntity | null> {
    const issuer = this.config.oidc.issuer;
    if (!issuer) return null;
    let claims: JWTPayload;
    try {
      const result = await jwtVerify(token, await this.keySet(issuer), {
        issuer,
        audience: this.config.oidc.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 30,
      });
      claims = result.payload;
    } catch {
      return null; // expired, wrong issuer or audience, bad signature, unreachable JWKS: all rejected alike
    }
    if (!claims.sub) return null;
    const subject = `${issuer}|${claims.sub}`;
    const bound = await this.users.findOneBy({ oidcSubject: subject });
    if (bound) return bound.status === 'ACTIVE' ? bound : null;

    const email = claims[this.config.oidc.emailClaim];
    if (typeof email !== 'string' || claims.email_verified === false) return null;
    const user = await this.users.findOneBy({ email: email.toLowerCase(), oidcSubject: IsNull() });
    if (!user || user.status !== 'ACTIVE') return null;
    await this.users.update({ id: user.id, oidcSubject: IsNull() }, { oidcSubject: subject });
    return user;
  }

  private async keySet(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return this.jwks;
    let uri = this.config.oidc.jwksUri;
    if (!uri) {
      const discovery = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`));
      if (!discovery.ok) throw new Error(`OIDC discovery failed with HTTP ${discovery.status}`);
      const document = (await discovery.json()) as { jwks_uri?: string };
      if (!document.jwks_uri) throw new Error('OIDC discovery document has no jwks_uri');
      uri = document.jwks_uri;
    }
    this.jwks = createRemoteJWKSet(new URL(uri), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    return this.jwks;
  }
}
