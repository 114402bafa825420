import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyKeyEntity } from './agency-key.entity.js';
import { AgencyKeysService } from './agency-keys.service.js';
import { PlatformKeyEntity } from './platform-key.entity.js';
import { PlatformKeyService } from './platform-key.service.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AgencyKeyEntity, PlatformKeyEntity])],
  providers: [PlatformKeyService, AgencyKeysService],
  exports: [PlatformKeyService, AgencyKeysService],
})
export class KeysModule {}
