import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { AuthModule } from '../auth/auth.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AgencyUsersResolver } from './agency-users.resolver.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AgencyEntity, ApiKeyEntity]), AuthModule, AuditModule],
  providers: [UsersService, AgencyUsersResolver],
  exports: [UsersService],
})
export class UsersModule {}
