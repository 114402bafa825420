import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { JsonLogger } from '../observability/json-logger.js';
import { UserEntity } from '../users/user.entity.js';
import { canonicalEmail } from './email-identity.js';

/** Only asymmetric algorithms: a shared-secret (HS*) token could be forged by anyone holding the secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A verified token's user and the moment its token stops being accepted. */
export interface OidcSignIn {
  user: UserEntity;
  expiresAt: Date;
}

/**
 * Verifies OIDC access/ID tokens from the configured issuer against its published keys (JWKS) and
 * maps them to a Windward user: by the bound `iss|sub`, or on first sign-in by a verified email.
 */
@Injectable()
export class OidcService {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.oidc.issuer);
  }

  /** True when the token looks like a JWT (three base64url parts), so it is not an API key. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  /** `requestId`: the request signing in, named in the log line of a first sign-in's binding. */
  async userForToken(token: string, requestId?: string): Promise<UserEntity | null> {
    return (await this.signIn(token, requestId))?.user ?? null;
  }

  async signIn(token: string, requestId?: string): Promise<OidcSignIn | null> {
    const issuer = this.config.oidc.issuer;
    if (!issuer) return null;
    const claims = await this.verifiedClaims(issuer, token);
    if (!claims?.sub) return null;
    const expiresAt = new Date(claims.exp! * 1000);
    const subject = `${issuer}|${claims.sub}`;
    const users = this.dataSource.getRepository(UserEntity);
    const bound = await users.findOneBy({ oidcSubject: subject });
    if (bound) return bound.status === 'ACTIVE' ? { user: bound, expiresAt } : null;
    const user = await this.bind(subject, claims, requestId);
    return user ? { user, expiresAt } : null;
  }

  /**
   * The token's claims when its signature, issuer, audience and lifetime hold. Lifetime: `exp` is
   * required; the token may not live longer than the maximum age from when it was issued (`iat`,
   * else `nbf`, else now), and an `iat` older than the maximum age is refused too. The clock-skew
   * setting is the only tolerance.
   */
  private async verifiedClaims(issuer: string, token: string): Promise<JWTPayload | null> {
    const { maxTokenAgeSeconds: maxAge, clockSkewSeconds: skew } = this.config.oidc;
    let claims: JWTPayload;
    try {
      const result = await jwtVerify(token, await this.keySet(issuer), {
        issuer,
        audience: this.config.oidc.audience,
        algorithms: ALGORITHMS,
        clockTolerance: skew,
        requiredClaims: ['exp', 'sub'],
      });
      claims = result.payload;
    } catch {
      return null; // expired, wrong issuer or audience, bad signature, no exp, unreachable JWKS: all refused alike
    }
    const now = Math.floor(Date.now() / 1000);
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
    const issuedAt = typeof claims.iat === 'number' ? claims.iat : typeof claims.nbf === 'number' ? claims.nbf : now;
    if (issuedAt > now + skew) return null; // issued in the future
    if (exp - issuedAt > maxAge + skew) return null; // a lifetime longer than we accept
    if (now - issuedAt > maxAge + skew) return null; // older than we accept, whatever its exp says
    return claims;
  }

  /**
   * First sign-in of a subject: binds it to the one unbound, active user whose email equals the
   * token's verified address exactly (see email-identity.ts), and audits the binding. Refused when
   * `email_verified` is anything but the boolean true, when the address cannot name a user, or
   * when that user already has a binding (the conditional UPDATE also settles a race between two
   * subjects).
   */
  private async bind(subject: string, claims: JWTPayload, requestId: string | undefined): Promise<UserEntity | null> {
    if (claims.email_verified !== true) return null;
    const email = canonicalEmail(claims[this.config.oidc.emailClaim]);
    if (!email.ok) return null;
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(UserEntity, { email: email.address });
      if (!user || user.status !== 'ACTIVE' || user.oidcSubject !== null) return null;
      const now = new Date();
      const updated = await manager.update(UserEntity, { id: user.id, oidcSubject: IsNull() }, { oidcSubject: subject, oidcBoundAt: now });
      if (updated.affected !== 1) return null;
      await this.audit.append(manager, {
        actor: user.id,
        actorEmail: user.email,
        agency: user.agencyCode,
        action: 'user.oidc.bind',
        resourceType: 'User',
        resourceId: user.id,
        resourceAgency: user.agencyCode,
        fields: ['oidcSubject'],
        details: { subject },
      });
      this.logger.event('info', 'oidc identity bound', { userId: user.id, subject, ...(requestId ? { requestId } : {}) });
      return Object.assign(user, { oidcSubject: subject, oidcBoundAt: now });
    });
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
