import { Global, Module } from '@nestjs/common';
import { AccessChangeBroadcaster } from '../alerts/access-change-broadcaster.js';
import { AlertTrigger } from '../alerts/alert-trigger.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { ACCESS_CHANGE_PUBLISHER } from '../auth/access-changes.js';
import { SEIZURE_CHANGE_LISTENER } from '../seizures/write/seizure-submission.service.js';

/**
 * Binds ports that lower features define to the feature that implements them. Auth, users,
 * operations and the console publish access changes, and seizures announces committed changes;
 * alerts carries both, but alerts imports auth and seizures, so they cannot import it. Global so
 * that their optional injections find the binding; the binding itself is decided here, in the app.
 */
@Global()
@Module({
  imports: [AlertsModule],
  providers: [
    { provide: ACCESS_CHANGE_PUBLISHER, useExisting: AccessChangeBroadcaster },
    { provide: SEIZURE_CHANGE_LISTENER, useExisting: AlertTrigger },
  ],
  exports: [ACCESS_CHANGE_PUBLISHER, SEIZURE_CHANGE_LISTENER],
})
export class FeaturePortsModule {}
