import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { UnauthenticatedError } from '../errors/domain-error.js';
import type { UserEntity } from '../users/user.entity.js';
import { ApiKeysService, type KeyCredentials } from './api-keys.service.js';
import type { SessionCredential } from './console-sessions.js';
import { OidcService } from './oidc.service.js';
import type { Principal } from '../access/principal.js';

/** Turns an `Authorization` header into a Principal, or refuses with UNAUTHENTICATED. */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly oidc: OidcService,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
  ) {}

  /** `requestId`: the request being authenticated, for the log lines written on the way (an OIDC identity's first binding). */
  async authenticate(authorization: string | undefined, requestId?: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new UnauthenticatedError('Missing credentials: send Authorization: Bearer <API key or OIDC token>');
    const token = match[1];
    if (OidcService.looksLikeJwt(token)) return this.withToken(token, requestId);
    return this.withKey(await this.apiKeys.credentialsForKey(token));
  }

  /**
   * A console session's credential, checked again as on its first request: revoked or expired, it
   * fails, and so does one that now stands for someone else than the session's user.
   */
  async authenticateSession(credential: SessionCredential, sessionUserId: string, requestId?: string): Promise<Principal> {
    const principal = credential.kind === 'oidc' ? await this.withToken(credential.token, requestId) : await this.withKey(await this.apiKeys.credentialsForHash(credential.keyHash));
    if (principal.userId !== sessionUserId) throw new UnauthenticatedError('The console session has ended: sign in again');
    return principal;
  }

  private async withToken(token: string, requestId: string | undefined): Promise<Principal> {
    const signIn = await this.oidc.signIn(token, requestId);
    if (!signIn) throw new UnauthenticatedError('Invalid, expired or revoked credentials');
    return { ...(await this.principalFor(signIn.user, 'oidc')), credentialsExpireAt: signIn.expiresAt };
  }

  private async withKey(credentials: KeyCredentials | null): Promise<Principal> {
    if (!credentials) throw new UnauthenticatedError('Invalid, expired or revoked credentials');
    const principal: Principal = await this.principalFor(credentials.user, 'api-key');
    if (credentials.issuedBy) principal.credentialsIssuedBy = credentials.issuedBy;
    // Like a token's exp: a live connection opened with the key closes when it expires.
    if (credentials.expiresAt) principal.credentialsExpireAt = credentials.expiresAt;
    return credentials.openOperations ? { ...principal, openOperations: credentials.openOperations } : principal;
  }

  /** The principal of a user; their agency is read unless it came loaded with the user. */
  async principalFor(user: UserEntity, authMethod: Principal['authMethod']): Promise<Principal> {
    const agency = user.agency?.code === user.agencyCode ? user.agency : await this.agencies.findOneBy({ code: user.agencyCode });
    if (!agency || agency.status !== 'ACTIVE') throw new UnauthenticatedError('The agency of these credentials is not active');
    return {
      userId: user.id,
      email: user.email,
      agencyCode: agency.code,
      agencyKind: agency.kind,
      country: agency.country,
      region: agency.region,
      communities: agency.communities,
      roles: user.roles,
      authMethod,
    };
  }
}
