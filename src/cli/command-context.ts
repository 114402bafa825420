import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app/app.module.js';
import { openRuntime, type PlatformRuntime } from '../app/platform-runtime.js';
import { seedReferenceData } from '../app/reference-data.js';
import { loadConfig } from '../config/app-config.js';
import { commandLogger } from './command-logger.js';


/**
 * Runs a CLI command with the platform's services, then closes every connection. The reference
 * agencies are loaded first unless `seed: false` (the `seed` command, which reports what it loaded).
 */
export async function withPlatform<T>(
  run: (app: INestApplicationContext, runtime: PlatformRuntime) => Promise<T>,
  options: { seed?: boolean } = {},
): Promise<T> {
  const runtime = await openRuntime(loadConfig(), commandLogger());
  let app: INestApplicationContext | undefined;
  try {
    if (options.seed !== false) await seedReferenceData(runtime);
    // Nest's own start-up messages are noise for a command; its failures surface as our one-line error.
    app = await NestFactory.createApplicationContext(AppModule.forCommands(runtime), { logger: false, abortOnError: false });
    return await run(app, runtime);
  } finally {
    if (app) await app.close();
    await runtime.close();
  }
}
