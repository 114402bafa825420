import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from './agency.entity.js';
import { AgenciesResolver } from './agencies.resolver.js';
import { AgenciesService } from './agencies.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AgencyEntity])],
  providers: [AgenciesService, AgenciesResolver],
  exports: [AgenciesService],
})
export class AgenciesModule {}
