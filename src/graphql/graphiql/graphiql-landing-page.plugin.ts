import type { ApolloServerPlugin } from '@apollo/server';
import { graphiqlPage } from './graphiql-assets.js';

/** Serves GraphiQL on `GET /graphql` from local files; Apollo's default page loads from a CDN. */
export function graphiqlLandingPagePlugin(): ApolloServerPlugin {
  const html = graphiqlPage();
  return {
    async serverWillStart() {
      return { async renderLandingPage() { return { html }; } };
    },
  };
}
