import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { UsersService } from '../../src/users/users.service.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; extensions: { code: string } & Record<string, unknown>; path?: string[] }[] | undefined;
}

/** A running Windward on its own database, with helpers to make users and call GraphQL. */
export interface TestPlatform {
  server: RunningServer;
  config: AppConfig;
  database: TestDatabase;
  http(): ReturnType<typeof request>;
  gql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>>;
  /** Creates a user with a fresh API key and returns the key. */
  userWithKey(agencyCode: string, roles: string[], email?: string): Promise<{ email: string; userId: string; key: string }>;
  stop(): Promise<void>;
}

/** Test-only settings on top of config/: a free port, quiet logs, and a queue of its own. */
export function testConfig(database: TestDatabase, env: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    REDIS_PREFIX: `windward-test-${randomBytes(4).toString('hex')}`,
    // Test receivers listen on 127.0.0.1; production refuses such webhook destinations.
    WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: 'true',
    ...database.env,
    ...env,
  });
}

/** A user of the agency with the roles, and a fresh API key of theirs (made through the services). */
export async function createUserWithKey(app: INestApplicationContext, agencyCode: string, roles: string[], email?: string): Promise<{ email: string; userId: string; key: string }> {
  const address = email ?? `${roles[0].toLowerCase()}-${randomBytes(4).toString('hex')}@${agencyCode.toLowerCase()}.test`;
  const { user } = await app.get(UsersService).createOrGet({ agencyCode, email: address, roles });
  const key = await app.get(ApiKeysService).create(address);
  return { email: address, userId: user.id, key: key.key };
}

export async function startTestPlatform(options: { worker?: boolean; env?: Record<string, string | undefined> } = {}): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const config = testConfig(database, options.env);
  const server = await startServer(config, { worker: options.worker ?? false, workerOptions: { lockDurationMs: 2000, stalledIntervalMs: 1000 } });
  const http = () => request(server.app.getHttpServer());
  return {
    server,
    config,
    database,
    http,
    async gql(token, query, variables) {
      let call = http().post('/graphql').set('content-type', 'application/json');
      if (token) call = call.set('authorization', `Bearer ${token}`);
      const response = await call.send({ query, variables });
      return { status: response.status, data: response.body.data, errors: response.body.errors };
    },
    userWithKey: (agencyCode, roles, email) => createUserWithKey(server.app, agencyCode, roles, email),
    async stop() {
      await server.close();
      await database.drop();
    },
  };
}
