import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ACCESS_CHANGE_PUBLISHER, type AccessChange, type AccessChangePublisher } from '../auth/access-changes.js';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { JsonLogger } from '../observability/json-logger.js';
import { SEIZURE_CHANGE_LISTENER } from '../seizures/write/seizure-submission.service.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { UserEntity } from '../users/user.entity.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import { AlertMatcher } from './alert-matcher.service.js';
import { AlertOwnerContexts } from './alert-owner-context.js';
import { AlertTrigger } from './alert-trigger.js';
import { AlertsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';
import { SEIZURE_EVENT_BUS, createSeizureEventBus, type SeizureEventBus } from './seizure-event-bus.js';
import { LiveConnections } from './live-connections.service.js';
import { SeizureNovelty } from './seizure-novelty.js';
import { SeizureSubscriptionsResolver } from './seizure-subscriptions.resolver.js';
import { SeizureSubscriptions } from './seizure-subscriptions.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

/**
 * Alerts, webhooks and live subscriptions. Global so that the seizures feature can notify changes
 * (SEIZURE_CHANGE_LISTENER) and JobsModule can run the alert jobs without either depending on it.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertDeliveryEntity, UserEntity]), AuthModule, JobsModule, SeizuresModule],
  providers: [
    {
      provide: SEIZURE_EVENT_BUS,
      inject: [APP_CONFIG, getDataSourceToken(), JsonLogger],
      useFactory: (config: AppConfig, dataSource: DataSource, logger: JsonLogger) => createSeizureEventBus(config, dataSource, logger),
    },
    {
      provide: ACCESS_CHANGE_PUBLISHER,
      inject: [SEIZURE_EVENT_BUS, JsonLogger],
      useFactory: (bus: SeizureEventBus, logger: JsonLogger): AccessChangePublisher => ({
        publish: (change: AccessChange) =>
          bus.publishAccessChange(change).catch((error: unknown) => {
            logger.event('error', 'access change not published', { reason: change.reason, error: error instanceof Error ? error.message : String(error) });
          }),
      }),
    },
    LiveConnections,
    { provide: SEIZURE_CHANGE_LISTENER, useClass: AlertTrigger },
    AlertOwnerContexts,
    SeizureNovelty,
    AlertsService,
    AlertMatcher,
    WebhookDeliveryService,
    SeizureSubscriptions,
    AlertsResolver,
    SeizureSubscriptionsResolver,
  ],
  exports: [ACCESS_CHANGE_PUBLISHER, LiveConnections, SEIZURE_CHANGE_LISTENER, AlertMatcher, WebhookDeliveryService, SeizureSubscriptions],
})
export class AlertsModule implements OnApplicationShutdown {
  constructor(@Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
