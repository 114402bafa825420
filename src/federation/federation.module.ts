import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OperationsModule } from '../operations/operations.module.js';
import { SeizureChangeEntity } from '../seizures/data/seizure-change.entity.js';
import { SeizureReadAudit } from '../seizures/read/seizure-read-audit.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { ChangeFeedResolver } from './change-feed.resolver.js';
import { ChangeFeedService } from './change-feed.service.js';
import { AgencyReferenceResolver, OperationReferenceResolver, SeizureReferenceResolver } from './entity-references.resolver.js';
import { FederatedRequests } from './federated-requests.js';
import { OperationRateLimit } from './operation-rate-limit.js';
import { FeedDisclosureEntity } from '../seizures/data/feed-disclosure.entity.js';
import { PartnerRateLimiter } from './partner-rate-limiter.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * What partner networks use: entity resolution for their gateways, the change feed, and the
 * per-agency rate limit of partner clients (RateLimitGuard is registered globally by AppModule, and
 * OperationRateLimit charges every GraphQL operation through graphqlOptions' admission port).
 */
@Module({
  imports: [TypeOrmModule.forFeature([SeizureChangeEntity, FeedDisclosureEntity]), AuthModule, AgenciesModule, KeysModule, SeizuresModule, OperationsModule],
  providers: [
    PartnerRateLimiter, RateLimitGuard, OperationRateLimit, FederatedRequests, SeizureReadAudit, ChangeFeedService, ChangeFeedResolver,
    SeizureReferenceResolver, OperationReferenceResolver, AgencyReferenceResolver,
  ],
  exports: [PartnerRateLimiter, RateLimitGuard, OperationRateLimit],
})
export class FederationModule {}
