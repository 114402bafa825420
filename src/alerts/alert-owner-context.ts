import { Inject, Injectable } from '@nestjs/common';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../access/request-context.js';
import { UnauthenticatedError } from '../errors/domain-error.js';
import type { AlertEntity } from './alert.entity.js';

/**
 * The RequestContext of an alert's owner, rebuilt when a job acts for them: the same principal and
 * ability their own requests would get now, so an alert never shows more than a search would. An
 * alert goes on only while its owner could still sign in themselves (an administrator who revokes
 * every key of a departing officer stops their webhooks too), and only within the agency it was
 * made in: a user moved to another agency does not take its alerts along.
 */
@Injectable()
export class AlertOwnerContexts {
  constructor(@Inject(REQUEST_CONTEXT_FACTORY) private readonly contexts: RequestContextFactory) {}

  /**
   * Null when the owner is gone or disabled, holds no credential of their own any more, or their
   * agency is not active. `purpose` names the job (the context's requestId).
   */
  async forOwner(userId: string, purpose: string): Promise<RequestContext | null> {
    try {
      return await this.contexts.forCredentialHolder(userId, purpose);
    } catch (error) {
      if (error instanceof UnauthenticatedError) return null;
      throw error;
    }
  }

  /** For a page of alerts: the agency of each of `userIds` whose alerts forOwner would let run, in two statements. */
  agenciesOfOwners(userIds: readonly string[]): Promise<Map<string, string>> {
    return this.contexts.credentialHolderAgencies(userIds);
  }
}

/** Whether the alert was made in the agency its owner belongs to now. */
export function madeInOwnersAgency(alert: Pick<AlertEntity, 'agencyCode'>, ctx: RequestContext): boolean {
  return alert.agencyCode === ctx.principal.agencyCode;
}
