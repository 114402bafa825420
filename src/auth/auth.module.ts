import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { ConsoleSessions } from './console-sessions.js';
import { OidcBindingsResolver } from './oidc-bindings.resolver.js';
import { OidcBindingsService } from './oidc-bindings.service.js';
import { OidcService } from './oidc.service.js';
import { RequestAuthenticator } from './request-authenticator.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, UserEntity, AgencyEntity])],
  providers: [ApiKeysService, OidcService, OidcBindingsService, OidcBindingsResolver, AuthenticationService, AuthGuard, RequestAuthenticator, { provide: ConsoleSessions, useValue: new ConsoleSessions() }],
  exports: [ApiKeysService, OidcService, AuthenticationService, AuthGuard, RequestAuthenticator, ConsoleSessions],
})
export class AuthModule {}
