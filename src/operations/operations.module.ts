import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { OperationReportEntity } from './operation-report.entity.js';
import { OperationEntity } from './operation.entity.js';
import { OperationsResolver, SeizureOperationResolver } from './operations.resolver.js';
import { OperationsService } from './operations.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OperationEntity, OperationReportEntity]), SeizuresModule],
  providers: [OperationsService, OperationsResolver, SeizureOperationResolver],
  exports: [OperationsService],
})
export class OperationsModule {}
