import { Global, Module } from '@nestjs/common';
import { AccessChangeBroadcaster } from '../alerts/access-change-broadcaster.js';
import { AlertTrigger } from '../alerts/alert-trigger.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { ACCESS_CHANGE_PUBLISHER, type AccessChange, type AccessChangePublisher } from '../auth/access-changes.js';
import { AuthModule } from '../auth/auth.module.js';
import { CREDENTIAL_CACHE, type CredentialCache } from '../auth/credential-cache.js';
import { SEIZURE_CHANGE_LISTENER } from '../seizures/write/seizure-submission.service.js';

/**
 * Binds ports that lower features define to the feature that implements them. Auth, users,
 * operations and the console publish access changes, and seizures announces committed changes;
 * alerts carries both, but alerts imports auth and seizures, so they cannot import it. Global so
 * that their optional injections find the binding; the binding itself is decided here, in the app.
 *
 * An access change also drops this process's cached credentials before it goes on the bus, so the
 * change holds for this process's next request at once (other processes hear it from the
 * database's own notification: auth/credential-cache.ts).
 */
@Global()
@Module({
  imports: [AlertsModule, AuthModule],
  providers: [
    {
      provide: ACCESS_CHANGE_PUBLISHER,
      useFactory: (broadcaster: AccessChangeBroadcaster, credentials: CredentialCache<unknown>): AccessChangePublisher => ({
        publish: (change: AccessChange) => {
          credentials.invalidate();
          return broadcaster.publish(change);
        },
      }),
      inject: [AccessChangeBroadcaster, CREDENTIAL_CACHE],
    },
    { provide: SEIZURE_CHANGE_LISTENER, useExisting: AlertTrigger },
  ],
  exports: [ACCESS_CHANGE_PUBLISHER, SEIZURE_CHANGE_LISTENER],
})
export class FeaturePortsModule {}
