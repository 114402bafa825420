import { Module } from '@nestjs/common';
import { SeizureHistoryResolver } from './api/seizure-history.resolver.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { SealedSectionEntity, SectionRecipientEntity } from './data/sealed-section.entity.js';
import { ResealResolver } from './api/reseal.resolver.js';
import { SealedSectionService } from './write/sealed-section.service.js';
import { SealedSubmissionService } from './write/sealed-submission.service.js';
import { SeizureLoaderFactory } from './read/seizure-loaders.js';
import { SeizureProjection } from './read/seizure-projection.js';
import { SeizureViews } from './read/seizure-views.js';
import { SeizureReadAudit } from './read/seizure-read-audit.js';
import { SeizureSearchService } from './data/seizure-search.service.js';
import { SeizureReportAggregates } from './data/seizure-report-aggregates.js';
import { SeizureStatsAggregates } from './data/seizure-stats-aggregates.js';
import { SeizureSubmissionService } from './write/seizure-submission.service.js';
import { SeizureVersionEntity } from './data/seizure-version.entity.js';
import { SeizureEntity } from './data/seizure.entity.js';
import { SeizureConnectionResolver, SeizuresResolver } from './api/seizures.resolver.js';

@Module({
  imports: [TypeOrmModule.forFeature([SeizureEntity, SeizureVersionEntity, SealedSectionEntity, SectionRecipientEntity]), AgenciesModule, KeysModule],
  providers: [SealedSectionService, SeizureSubmissionService, SeizureSearchService, SeizureReportAggregates, SeizureStatsAggregates, SealedSubmissionService, SeizureLoaderFactory, SeizureViews, SeizureReadAudit, SeizureProjection, SeizuresResolver, SeizureConnectionResolver, SeizureHistoryResolver, ResealResolver],
  exports: [SeizureSubmissionService, SeizureSearchService, SeizureReportAggregates, SeizureStatsAggregates, SealedSectionService, SeizureViews, SeizureLoaderFactory, SeizureReadAudit, SeizureProjection],
})
export class SeizuresModule {}
