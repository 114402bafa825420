import type { ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { LiveConnections } from '../alerts/live-connections.service.js';
import { AuthModule } from '../auth/auth.module.js';
import { AuthGuard } from '../auth/auth.guard.js';
import type { Principal } from '../access/principal.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { ConsoleModule } from '../console/console.module.js';
import type { AppConfig } from '../config/app-config.js';
import { WindwardFederationDriver } from '../federation/federation.driver.js';
import { FederationModule } from '../federation/federation.module.js';
import { OperationRateLimit } from '../federation/operation-rate-limit.js';
import { RateLimitGuard } from '../federation/rate-limit.guard.js';
import { GraphiqlController } from '../graphql/graphiql/graphiql.controller.js';
import { GraphqlExceptionFilter } from '../graphql/graphql-errors.js';
import { graphqlOptions } from '../graphql/graphql-options.js';
import { JsonLogger } from '../observability/json-logger.js';
import { HealthController } from '../health/health.controller.js';
import { Metrics } from '../observability/metrics.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { UsersModule } from '../users/users.module.js';
import { CoreModule } from './core.module.js';
import { JOB_FEATURES, SHARED_MODULES } from './worker.module.js';
import type { PlatformRuntime } from './platform-runtime.js';

/** The features, without any transport: what CLI commands run against; a superset of the worker's. */
export const FEATURE_MODULES = [...SHARED_MODULES, AgenciesModule, UsersModule, AuthModule, SeizuresModule, ...JOB_FEATURES];

@Module({})
export class AppModule {
  /** The whole platform: features plus the GraphQL and HTTP edge. */
  static forServer(runtime: PlatformRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(runtime),
        ...FEATURE_MODULES,
        FederationModule,
        ConsoleModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: WindwardFederationDriver,
          imports: [AuthModule, AlertsModule, FederationModule],
          inject: [APP_CONFIG, Metrics, RequestAuthenticator, JsonLogger, LiveConnections, OperationRateLimit],
          useFactory: (config: AppConfig, metrics: Metrics, authenticator: RequestAuthenticator, logger: JsonLogger, connections: LiveConnections, rateLimit: OperationRateLimit) =>
            graphqlOptions(
              config, metrics,
              // Connecting is not the user's activity: the console's client reconnects by itself.
              (headers) => authenticator.authenticate({ ...headers }, undefined, { activity: false }),
              logger,
              (socket, principal) => connections.track(socket, principal as Principal),
              // Every operation spends the partner rate limit, also those that run no resolver.
              (request) => rateLimit.admitOrThrow(request),
            ),
        }),
      ],
      controllers: [HealthController, GraphiqlController],
      providers: [
        { provide: APP_GUARD, useExisting: AuthGuard },
        // After AuthGuard: it needs the authenticated principal.
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
      ],
    };
  }

  /** Features only, for CLI commands (the worker-only process has WorkerModule). */
  static forCommands(runtime: PlatformRuntime): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRoot(runtime), ...FEATURE_MODULES] };
  }
}
