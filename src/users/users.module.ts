import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AgencyEntity])],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
