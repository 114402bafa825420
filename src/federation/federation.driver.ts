import { ApolloFederationDriver } from '@nestjs/apollo';

/**
 * ApolloFederationDriver serves graphql-ws subscriptions like ApolloDriver but, unlike it, does not
 * close them on shutdown (@nestjs/apollo 14), which keeps the HTTP server from closing while a
 * client stays connected. This adds ApolloDriver's stop().
 */
export class WindwardFederationDriver extends ApolloFederationDriver {
  override async stop(): Promise<void> {
    const subscriptions = (this as unknown as { _subscriptionService?: { stop(): Promise<void> } })._subscriptionService;
    await subscriptions?.stop();
    await super.stop();
  }
}
