import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { JsonLogger } from '../observability/json-logger.js';
import { SeizuresModule } from '../seizures/seizures.module.js';
import { UserEntity } from '../users/user.entity.js';
import { AccessChangeBroadcaster } from './access-change-broadcaster.js';
import { AgencyAlertsResolver } from './agency-alerts.resolver.js';
import { AgencyAlerts } from './agency-alerts.service.js';
import { AlertDeliveryEntity, AlertEntity } from './alert.entity.js';
import { AlertMatchJobHandler } from './alert-match.job.js';
import { AlertMatcher } from './alert-matcher.service.js';
import { AlertOwnerContexts } from './alert-owner-context.js';
import { AlertTrigger } from './alert-trigger.js';
import { AlertsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';
import { SEIZURE_EVENT_BUS, createSeizureEventBus, type SeizureEventBus } from './seizure-event-bus.js';
import { CREDENTIAL_CACHE, type CredentialCache } from '../auth/credential-cache.js';
import { LiveConnections } from './live-connections.service.js';
import { SeizureNovelty } from './seizure-novelty.js';
import { SeizureSubscriptionsResolver } from './seizure-subscriptions.resolver.js';
import { SeizureSubscriptions } from './seizure-subscriptions.service.js';
import { WebhookDeliveryJobHandler } from './webhook-delivery.job.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookSecrets } from './webhook-secrets.js';

/**
 * Alerts, webhooks and live subscriptions. It implements two ports of features it imports itself:
 * AlertTrigger hears seizure changes (SEIZURE_CHANGE_LISTENER) and AccessChangeBroadcaster carries
 * access changes (ACCESS_CHANGE_PUBLISHER); the app binds them (app/feature-ports.module.ts).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AlertEntity, AlertDeliveryEntity, UserEntity]), AuthModule, SeizuresModule, KeysModule,
    JobsModule.forFeature('alerts', ['alerts.match', 'alerts.deliver-webhook']),
  ],
  providers: [
    {
      provide: SEIZURE_EVENT_BUS,
      inject: [APP_CONFIG, getDataSourceToken(), JsonLogger, CREDENTIAL_CACHE],
      useFactory: (config: AppConfig, dataSource: DataSource, logger: JsonLogger, credentials: CredentialCache<unknown>) =>
        createSeizureEventBus(config, dataSource, logger, () => credentials.invalidate()),
    },
    AccessChangeBroadcaster,
    LiveConnections,
    AlertTrigger,
    AlertOwnerContexts,
    SeizureNovelty,
    AlertsService,
    AgencyAlerts,
    AlertMatcher,
    WebhookDeliveryService,
    WebhookSecrets,
    SeizureSubscriptions,
    AlertsResolver,
    AgencyAlertsResolver,
    SeizureSubscriptionsResolver,
    AlertMatchJobHandler,
    WebhookDeliveryJobHandler,
  ],
  exports: [AccessChangeBroadcaster, AlertTrigger, LiveConnections, SeizureSubscriptions],
})
export class AlertsModule implements OnApplicationShutdown {
  constructor(@Inject(SEIZURE_EVENT_BUS) private readonly bus: SeizureEventBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
