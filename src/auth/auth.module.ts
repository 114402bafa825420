import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthenticationService } from './authentication.service.js';
import { ConsoleSessions } from './console-sessions.js';
import { CREDENTIAL_CACHE, CredentialCache } from './credential-cache.js';
import { CREDENTIAL_CHANGES, type ChangeSignal } from '../database/change-channel.js';
import { OidcBindingsResolver } from './oidc-bindings.resolver.js';
import { OidcBindingsService } from './oidc-bindings.service.js';
import { OidcService } from './oidc.service.js';
import { REQUEST_CONTEXT_FACTORY } from '../access/request-context.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { RequestContexts } from './request-contexts.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, UserEntity, AgencyEntity])],
  providers: [ApiKeysService, OidcService, OidcBindingsService, OidcBindingsResolver, AuthenticationService, AuthGuard, RequestAuthenticator, RequestContexts,
    { provide: REQUEST_CONTEXT_FACTORY, useExisting: RequestContexts }, ConsoleSessions,
    { provide: CREDENTIAL_CACHE, useFactory: (changes: ChangeSignal | null) => new CredentialCache(changes), inject: [{ token: CREDENTIAL_CHANGES, optional: true }] }],
  exports: [ApiKeysService, OidcService, AuthenticationService, AuthGuard, RequestAuthenticator, REQUEST_CONTEXT_FACTORY, ConsoleSessions, CREDENTIAL_CACHE],
})
export class AuthModule {}
