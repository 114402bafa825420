import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module.js';
import { AgencyKeyAdminService } from './agency-key-admin.service.js';
import { AgencyKeyEntity } from './agency-key.entity.js';
import { AgencyKeysFieldResolver } from './agency-keys-field.resolver.js';
import { AgencyKeysResolver } from './agency-keys.resolver.js';
import { AgencyKeysService } from './agency-keys.service.js';
import { KeyChallengeEntity } from './key-challenge.entity.js';
import { KeyPossession } from './key-possession.js';
import { KeyRewrapJobHandler } from './key-rewrap.job.js';
import { KeyRewrapService } from './key-rewrap.service.js';
import { KeyRotationService } from './key-rotation.service.js';
import { PlatformKeyEntity } from './platform-key.entity.js';
import { PlatformKeyService } from './platform-key.service.js';
import { PlatformSecretEntity } from './platform-secret.entity.js';
import { PlatformSecrets } from './platform-secrets.service.js';
import { PersonalKeysResolver } from './personal-keys.resolver.js';
import { PersonalKeysService } from './personal-keys.service.js';
import { UserKeyEntity } from './user-key.entity.js';

/**
 * The platform key, the platform's own secrets and agencies' keys, imported by the features that encrypt to and verify against
 * them; runs the `keys.rewrap` job.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AgencyKeyEntity, PlatformKeyEntity, PlatformSecretEntity, UserKeyEntity, KeyChallengeEntity]), JobsModule.forFeature('keys', ['keys.rewrap'])],
  providers: [PlatformKeyService, PlatformSecrets, AgencyKeysService, AgencyKeyAdminService, KeyRewrapService, KeyRotationService, AgencyKeysResolver, AgencyKeysFieldResolver,
    KeyPossession, PersonalKeysService, PersonalKeysResolver, KeyRewrapJobHandler],
  exports: [PlatformKeyService, PlatformSecrets, AgencyKeysService, KeyRewrapService, KeyPossession, PersonalKeysService],
})
export class KeysModule {}
