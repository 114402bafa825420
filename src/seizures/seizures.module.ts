import { Module } from '@nestjs/common';
import { SeizureHistoryResolver } from './seizure-history.resolver.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { SealedSectionEntity, SectionRecipientEntity } from './sealed-section.entity.js';
import { ResealResolver } from './reseal.resolver.js';
import { SealedSectionService } from './sealed-section.service.js';
import { SealedSubmissionService } from './sealed-submission.service.js';
import { SeizureLoaderFactory } from './seizure-loaders.js';
import { SeizureProjection } from './seizure-projection.js';
import { SeizureViews } from './seizure-views.js';
import { SeizureReadAudit } from './seizure-read-audit.js';
import { SeizureSearchService } from './seizure-search.service.js';
import { SeizureSubmissionService } from './seizure-submission.service.js';
import { SeizureVersionEntity } from './seizure-version.entity.js';
import { SeizureEntity } from './seizure.entity.js';
import { SeizureConnectionResolver, SeizuresResolver } from './seizures.resolver.js';

@Module({
  imports: [TypeOrmModule.forFeature([SeizureEntity, SeizureVersionEntity, SealedSectionEntity, SectionRecipientEntity]), AgenciesModule],
  providers: [SealedSectionService, SeizureSubmissionService, SeizureSearchService, SealedSubmissionService, SeizureLoaderFactory, SeizureViews, SeizureReadAudit, SeizureProjection, SeizuresResolver, SeizureConnectionResolver, SeizureHistoryResolver, ResealResolver],
  exports: [SeizureSubmissionService, SeizureSearchService, SealedSectionService, SeizureViews, SeizureLoaderFactory, SeizureReadAudit, SeizureProjection],
})
export class SeizuresModule {}
