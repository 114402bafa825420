import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import { AuthenticationService } from '../auth/authentication.service.js';
import type { RequestContext } from '../access/request-context.js';
import { UnauthenticatedError } from '../errors/domain-error.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The RequestContext of an alert's owner, rebuilt when a job acts for them: the same principal and
 * ability their own requests would get now, so an alert never shows more than a search would.
 */
@Injectable()
export class AlertOwnerContexts {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly authentication: AuthenticationService,
    private readonly access: AccessService,
  ) {}

  /** Null when the user is gone or disabled, or their agency is not active. */
  async forUser(userId: string, requestId: string): Promise<RequestContext | null> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user || user.status !== 'ACTIVE') return null;
    try {
      // The method only labels how a request authenticated; no rule depends on it.
      const principal = await this.authentication.principalFor(user, 'api-key');
      return { principal, ability: await this.access.abilityFor(principal), requestId };
    } catch (error) {
      if (error instanceof UnauthenticatedError) return null;
      throw error;
    }
  }
}
