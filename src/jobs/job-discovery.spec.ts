import 'reflect-metadata';
import { Global, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.tokens.js';
import { DatabaseOutage } from '../database/database-outage.js';
import { JsonLogger } from '../observability/json-logger.js';
import { Metrics } from '../observability/metrics.js';
import { JobHandlerFor, type JobHandler, type JobName } from './job-registry.js';
import { JobsModule } from './jobs.module.js';
import { JobsService } from './jobs.service.js';
import { QUEUE_BACKEND } from './jobs.tokens.js';

/** A job of a feature of this test only (a real feature declares its payload into JobPayloads). */
const ECHO = 'test.echo' as JobName;

@Injectable()
@JobHandlerFor(ECHO)
class EchoHandler implements JobHandler {
  async handle(payload: unknown): Promise<string> {
    return (payload as { text: string }).text;
  }
}

@Injectable()
@JobHandlerFor(ECHO)
class SecondEchoHandler extends EchoHandler {}

/** What CoreModule gives JobsService in a real process; the queue does nothing here. */
@Global()
@Module({})
class FakePlatformModule {
  static forRoot(): DynamicModule {
    const logger = new JsonLogger('error', () => undefined);
    const queue = { on: () => queue, close: async () => undefined };
    return {
      module: FakePlatformModule,
      providers: [
        { provide: APP_CONFIG, useValue: { jobs: { attempts: 1, concurrency: 1 } } },
        { provide: JsonLogger, useValue: logger },
        { provide: Metrics, useValue: new Metrics() },
        { provide: DatabaseOutage, useValue: new DatabaseOutage(logger, async () => undefined) },
        { provide: QUEUE_BACKEND, useValue: { kind: 'postgres', createQueue: () => queue, close: async () => undefined } },
      ],
      exports: [APP_CONFIG, JsonLogger, Metrics, DatabaseOutage, QUEUE_BACKEND],
    };
  }
}

function feature(jobs: JobName[], handlers: (typeof EchoHandler)[]): DynamicModule {
  @Module({})
  class FeatureModule {}
  return { module: FeatureModule, imports: [JobsModule.forFeature('test', jobs)], providers: handlers };
}

async function start(...features: DynamicModule[]) {
  @Module({ imports: [FakePlatformModule.forRoot(), JobsModule, ...features] })
  class RootModule {}
  return NestFactory.createApplicationContext(RootModule, { logger: false, abortOnError: false });
}

describe('job handler discovery', () => {
  it('finds a feature\'s handler by its decorator and runs it', async () => {
    const app = await start(feature([ECHO], [EchoHandler]));
    try {
      expect(await app.get(JobsService).runHere(ECHO, { text: 'hello' } as never, 'job-1')).toBe('hello');
      expect(await app.get(JobsService).runHere('system.probe', { token: 't' }, 'job-2')).toEqual({ token: 't', attempt: 1 });
    } finally {
      await app.close();
    }
  });

  it('fails the start on a declared job without a handler', async () => {
    await expect(start(feature([ECHO], []))).rejects.toThrow('Jobs without a handler: test.echo');
  });

  it('fails the start on a job with two handlers', async () => {
    await expect(start(feature([ECHO], [EchoHandler, SecondEchoHandler]))).rejects.toThrow('Job "test.echo" has more than one handler');
  });

  it('fails the start on a handler of a job no feature declared, and on a job declared twice', async () => {
    await expect(start(feature([], [EchoHandler]))).rejects.toThrow('Job handler for unknown job "test.echo"');
    await expect(start(feature([ECHO], [EchoHandler]), feature([ECHO], []))).rejects.toThrow('Jobs declared more than once: test.echo');
  });
});
