import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { Principal } from '../access/principal.js';
import type { CredentialHeaders, RequestContext, RequestContextFactory } from '../access/request-context.js';
import { isUuid } from '../database/uuid.js';
import { UserEntity } from '../users/user.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticationService } from './authentication.service.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * The RequestContextFactory (registered under REQUEST_CONTEXT_FACTORY). Both ways end in the same
 * place: a principal from the user's account and agency as they stand now, and the ability
 * AccessService builds from its attributes (the authentication method is not one of them).
 */
@Injectable()
export class RequestContexts implements RequestContextFactory {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly apiKeys: ApiKeysService,
    private readonly authentication: AuthenticationService,
    private readonly access: AccessService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  async forRequest(credentials: CredentialHeaders, options: { method?: string; requestId?: string; recheck?: boolean } = {}): Promise<RequestContext> {
    const principal = await this.authenticator.authenticate(credentials, options.method, { requestId: options.requestId, activity: !options.recheck });
    return this.contextOf(principal, options.requestId ?? '');
  }

  async forUser(userId: string, purpose: string): Promise<RequestContext | null> {
    const user = isUuid(userId) ? await this.users.findOneBy({ id: userId }) : null;
    if (!user || user.status !== 'ACTIVE') return null;
    return this.contextOf(await this.authentication.principalFor(user, 'system'), purpose);
  }

  async forCredentialHolder(userId: string, purpose: string): Promise<RequestContext | null> {
    if (!isUuid(userId) || !(await this.apiKeys.holdsOwnCredentials(userId))) return null;
    return this.forUser(userId, purpose);
  }

  async credentialHolderAgencies(userIds: readonly string[]): Promise<Map<string, string>> {
    const holders = await this.apiKeys.holdingOwnCredentials(userIds);
    if (holders.size === 0) return new Map();
    // As forUser and principalFor decide: an active user of an active agency.
    const users = await this.users.find({ where: { id: In([...holders]), status: 'ACTIVE' }, relations: { agency: true } });
    return new Map(users.filter((user) => user.agency?.status === 'ACTIVE').map((user) => [user.id, user.agencyCode]));
  }

  private async contextOf(principal: Principal, requestId: string): Promise<RequestContext> {
    return { principal, ability: await this.access.abilityFor(principal), requestId };
  }
}
