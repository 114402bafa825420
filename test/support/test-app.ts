import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app/app.module.js';
import { openRuntime, type PlatformRuntime } from '../../src/app/platform-runtime.js';
import { seedReferenceData } from '../../src/app/reference-data.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { createUserWithKey, testConfig } from './test-platform.js';

/**
 * The medium tier's platform: the whole Nest application (the same modules as the server) on a
 * database of its own, initialised but never listening. Tests call its services directly.
 * Shaped like TestPlatform (`server.app`, `server.runtime`) so that a test moves between tiers
 * by changing the one call that starts it.
 */
export interface TestApp {
  server: { app: NestFastifyApplication; runtime: PlatformRuntime };
  config: AppConfig;
  database: TestDatabase;
  /** Creates a user with a fresh API key and returns the key. */
  userWithKey(agencyCode: string, roles: string[], email?: string): Promise<{ email: string; userId: string; key: string }>;
  stop(): Promise<void>;
}

export async function startTestApp(options: { worker?: boolean; env?: Record<string, string | undefined> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(database, options.env);
  // As startServer, minus the HTTP listener: migrations (none left on a template copy), the
  // reference agencies, then Nest.
  const runtime = await openRuntime(config);
  let app: NestFastifyApplication | undefined;
  try {
    await seedReferenceData(runtime);
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forServer(runtime), new FastifyAdapter(), { logger: runtime.logger, abortOnError: false });
    await app.init();
    if (options.worker) app.get(JobsService).startWorker({ lockDurationMs: 2000, stalledIntervalMs: 1000 });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const started = app;
  return {
    server: { app: started, runtime },
    config,
    database,
    userWithKey: (agencyCode, roles, email) => createUserWithKey(started, agencyCode, roles, email),
    async stop() {
      await started.close();
      await runtime.close();
      await database.drop();
    },
  };
}
