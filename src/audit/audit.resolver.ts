import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { AuditChainStatusModel, AuditEventConnectionModel } from './audit.models.js';
import { AuditService } from './audit.service.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Allow('AGENCY_ADMIN', 'AUDITOR')
  @Query(() => AuditEventConnectionModel, { description: 'The audit trail of one resource, newest first, as far as the caller may read it' })
  auditTrail(
    @Ctx() ctx: RequestContext,
    @Args('resourceId', { type: () => ID }) resourceId: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return this.audit.trail(ctx, resourceId, first ?? undefined, after);
  }

  @Allow('AUDITOR')
  @Query(() => AuditChainStatusModel, {
    description: "Re-checks the audit hash chain the caller is shown: the platform's (auditors of the JIO and the WCO Secretariat) or its agency's own",
  })
  verifyAuditChain(@Ctx() ctx: RequestContext) {
    return this.audit.verify(ctx);
  }
}
