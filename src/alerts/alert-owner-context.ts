import { Inject, Injectable } from '@nestjs/common';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../access/request-context.js';
import { UnauthenticatedError } from '../errors/domain-error.js';

/**
 * The RequestContext of an alert's owner, rebuilt when a job acts for them: the same principal and
 * ability their own requests would get now, so an alert never shows more than a search would.
 */
@Injectable()
export class AlertOwnerContexts {
  constructor(@Inject(REQUEST_CONTEXT_FACTORY) private readonly contexts: RequestContextFactory) {}

  /** Null when the user is gone or disabled, or their agency is not active. `purpose` names the job (the context's requestId). */
  async forUser(userId: string, purpose: string): Promise<RequestContext | null> {
    try {
      return await this.contexts.forUser(userId, purpose);
    } catch (error) {
      if (error instanceof UnauthenticatedError) return null;
      throw error;
    }
  }
}
