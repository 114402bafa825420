/**
 * The framework floor: the same GraphQL schema (printed from the running Windward) served by a bare
 * Apollo Server on Fastify, with no Nest, no guard, no database. `Query.seizures` returns a page
 * held in memory; every other field uses GraphQL's default resolvers.
 */
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { fastify } from 'fastify';

export interface FloorServer {
  url: string;
  close(): Promise<void>;
}

export async function startFrameworkFloor(typeDefs: string, page: unknown): Promise<FloorServer> {
  const app = fastify({ logger: false });
  const apollo = new ApolloServer({
    typeDefs,
    resolvers: { Query: { seizures: () => page } },
    plugins: [fastifyApolloDrainPlugin(app)],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      await app.close();
      await apollo.stop();
    },
  };
}
