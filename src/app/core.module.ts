import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { POLICY_DOCUMENT } from '../access/policy-document.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { EXCHANGE_RATES } from '../config/exchange-rates.js';
import { CREDENTIAL_CHANGES } from '../database/change-channel.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { ReadStatements } from '../database/read-statements.js';
import { QUEUE_BACKEND } from '../jobs/jobs.tokens.js';
import { JsonLogger } from '../observability/json-logger.js';
import { Metrics } from '../observability/metrics.js';
import type { PlatformRuntime } from './platform-runtime.js';

/** Hands the runtime's already-open connections to Nest's dependency injection. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: PlatformRuntime): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => runtime.dataSource.options,
          dataSourceFactory: async () => runtime.dataSource,
        }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: POLICY_DOCUMENT, useValue: runtime.config.files.policies },
        { provide: EXCHANGE_RATES, useValue: runtime.config.files.exchangeRates },
        { provide: JsonLogger, useValue: runtime.logger },
        { provide: Metrics, useValue: runtime.metrics },
        { provide: QUEUE_BACKEND, useValue: runtime.queue },
        { provide: DatabaseOutage, useValue: runtime.outage },
        { provide: CREDENTIAL_CHANGES, useValue: runtime.credentialChanges },
        { provide: ReadStatements, useValue: ReadStatements.over(runtime.dataSource, runtime.connection.kind, runtime.config.database.preparedStatements) },
      ],
      exports: [APP_CONFIG, POLICY_DOCUMENT, EXCHANGE_RATES, JsonLogger, Metrics, QUEUE_BACKEND, DatabaseOutage, TypeOrmModule, ReadStatements, CREDENTIAL_CHANGES],
    };
  }
}
