import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app/app.module.js';
import type { DataSource } from 'typeorm';
import { appDataSource, openRuntime, pendingMigrations, type PlatformRuntime } from '../app/platform-runtime.js';
import { seedReferenceData } from '../app/reference-data.js';
import { loadConfig } from '../config/app-config.js';
import { openDatabaseConnection } from '../database/database-connection.js';
import { commandDatabase } from './command-database.js';
import { commandLogger } from './command-logger.js';

/**
 * Runs a CLI command with the platform's services, then closes every connection. The reference
 * agencies are loaded first unless `seed: false` (the `seed` command, which reports what it loaded).
 * `create: false` for a command that works on what a database already holds (a user, a key): on
 * the embedded database, with none in DATA_DIR it fails rather than make an empty one.
 */
export async function withPlatform<T>(
  run: (app: INestApplicationContext, runtime: PlatformRuntime) => Promise<T>,
  options: { seed?: boolean; create?: boolean } = {},
): Promise<T> {
  const database = commandDatabase({ create: options.create });
  const runtime = await openRuntime(loadConfig(), commandLogger(), database.embedded);
  let app: INestApplicationContext | undefined;
  try {
    if (options.seed !== false) await seedReferenceData(runtime);
    // Nest's own start-up messages are noise for a command; its failures surface as our one-line error.
    app = await NestFactory.createApplicationContext(AppModule.forCommands(runtime), { logger: false, abortOnError: false });
    const result = await run(app, runtime);
    database.done();
    return result;
  } finally {
    if (app) await app.close();
    await runtime.close();
  }
}

/**
 * Runs a command that only reads (`audit verify`) on the bare database: no migration, no reference
 * agencies, no queue and none of the services' start-up work, each of which writes, so that an
 * auditor's read-only role is enough. A schema behind this version is refused, not read with the
 * wrong expectations: only `windward migrate` (with a role that may change it) brings it up.
 */
export async function withReadOnlyDatabase<T>(run: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const database = commandDatabase({ create: false });
  const connection = await openDatabaseConnection(loadConfig(), database.embedded);
  const dataSource = appDataSource(connection, 2);
  try {
    await dataSource.initialize();
    const pending = await pendingMigrations(dataSource);
    if (pending.length) {
      throw new Error(`the database schema is behind this version (${pending.length} migration${pending.length === 1 ? '' : 's'} not applied, from ${pending[0]}): run \`windward migrate\` first`);
    }
    const result = await run(dataSource);
    database.done();
    return result;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await connection.close();
  }
}
