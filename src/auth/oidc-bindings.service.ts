import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not } from 'typeorm';
import { AuditService, auditFromContext } from '../audit/audit.service.js';
import { isUuid } from '../database/uuid.js';
import { NotFoundError } from '../errors/domain-error.js';
import { UserEntity } from '../users/user.entity.js';
import { ACCESS_CHANGE_PUBLISHER, type AccessChangePublisher } from './access-changes.js';
import type { RequestContext } from '../access/request-context.js';

/** One user's bound OIDC identity, as an administrator sees it. */
export interface OidcBinding {
  userId: string;
  email: string;
  agencyCode: string;
  /** `issuer|subject`. */
  subject: string;
  boundAt: Date | null;
}

function toBinding(user: UserEntity): OidcBinding {
  return { userId: user.id, email: user.email, agencyCode: user.agencyCode, subject: user.oidcSubject!, boundAt: user.oidcBoundAt };
}

/**
 * The OIDC bindings an agency administrator looks after: those of their own agency's users (a
 * platform administrator: any agency's). Removing one is audited and ends the user's live
 * connections; their next OIDC sign-in binds afresh, under the same rules as a first one.
 */
@Injectable()
export class OidcBindingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Optional() @Inject(ACCESS_CHANGE_PUBLISHER) private readonly accessChanges?: AccessChangePublisher,
  ) {}

  /** The agencies whose bindings the caller administers; null: all. */
  private scope(ctx: RequestContext): string[] | null {
    return ctx.principal.roles.includes('PLATFORM_ADMIN') ? null : [ctx.principal.agencyCode];
  }

  async list(ctx: RequestContext, agencyCode?: string | null): Promise<OidcBinding[]> {
    const scope = this.scope(ctx);
    const wanted = agencyCode?.trim().toUpperCase();
    if (wanted && scope && !scope.includes(wanted)) return [];
    const query = this.dataSource.getRepository(UserEntity).createQueryBuilder('u').where('u.oidc_subject IS NOT NULL');
    if (wanted) query.andWhere('u.agency_code = :wanted', { wanted });
    if (scope) query.andWhere('u.agency_code = ANY(:scope)', { scope });
    const users = await query.orderBy('u.email').limit(5000).getMany();
    return users.map(toBinding);
  }

  async remove(ctx: RequestContext, userId: string): Promise<OidcBinding> {
    if (!isUuid(userId)) throw new NotFoundError('OIDC binding');
    const scope = this.scope(ctx);
    const removed = await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(UserEntity, { where: { id: userId, oidcSubject: Not(IsNull()) }, lock: { mode: 'pessimistic_write' } });
      // Another agency's user answers like a user without a binding.
      if (!user || (scope && !scope.includes(user.agencyCode))) throw new NotFoundError('OIDC binding');
      const binding = toBinding(user);
      await manager.update(UserEntity, { id: user.id }, { oidcSubject: null, oidcBoundAt: null });
      await this.audit.append(manager, auditFromContext(ctx, {
        action: 'user.oidc.unbind',
        resourceType: 'User',
        resourceId: user.id,
        resourceAgency: user.agencyCode,
        fields: ['oidcSubject'],
        details: { subject: binding.subject, boundAt: binding.boundAt?.toISOString() ?? null },
      }));
      return binding;
    });
    await this.accessChanges?.publish({ users: [removed.userId], reason: 'oidc binding removed', requestId: ctx.requestId });
    return removed;
  }
}
