#!/usr/bin/env node
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Command, Option } from 'commander';
import { AppModule } from '../app/app.module.js';
import { auditVerifyCommand } from '../audit/audit-verify.command.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { ConfigError, describeConfig, loadConfig } from '../config/app-config.js';
import { startServer } from '../app/server.js';
import { applyMigrations, openRuntime } from '../app/platform-runtime.js';
import { seedReferenceData } from '../app/reference-data.js';
import { openDatabaseConnection } from '../database/database-connection.js';
import { createDataSource } from '../database/data-source.js';
import { formatDemoLoaded, seedDemo } from '../demo/demo.js';
import { demoKeysAlreadyShown, formatDemoCredentials, type DemoCredential } from '../demo/demo-users.js';
import { DomainError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import { registerKeyCommands } from '../keys/key-commands.js';
import { registerKeyRegisterCommand } from '../keys/key-register.command.js';
import { UsersService } from '../users/users.service.js';
import { JsonLogger } from '../observability/json-logger.js';
import { commandLogger, withPlatform } from './command-context.js';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * For the long-running commands (serve, worker), whose output is a log: every line on stdout and
 * stderr is one JSON object. Node's own warnings and anything thrown outside a request become
 * such lines too (an uncaught error still ends the process, exit 1).
 */
function jsonProcessOutput(logger: JsonLogger): void {
  process.removeAllListeners('warning'); // Node's default listener prints plain text
  process.on('warning', (warning) => logger.event('warn', 'node warning', { name: warning.name, warning: warning.message }));
  const fatal = (kind: string) => (error: unknown) => {
    logger.event('error', kind, { reason: error instanceof Error ? error.message.split('\n')[0] : String(error), stack: error instanceof Error ? error.stack : undefined });
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}

/** The one line a serve or worker that cannot start writes, as JSON on stderr; exit 2 for configuration, else 1. */
function failStart(error: unknown): never {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  new JsonLogger('error', (line) => process.stderr.write(line), false).event('error', 'windward could not start', { reason });
  process.exit(error instanceof ConfigError ? 2 : 1);
}

/**
 * Stops on SIGTERM/SIGINT after in-flight requests and jobs finish, or after `timeoutMs` if they do
 * not (SHUTDOWN_TIMEOUT_MS); a second signal stops at once.
 */
function closeOnSignal(logger: JsonLogger, close: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.event('info', 'stopping: finishing in-flight requests and jobs', { signal });
    setTimeout(() => {
      logger.event('error', 'shutdown took too long; stopping now', { timeoutMs });
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.event('error', 'shutdown failed', { reason: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** How long a stopping server keeps answering (503, `Connection: close`) before closing its port. */
export function drainMs(shutdownTimeoutMs: number): number {
  return Math.min(5000, Math.floor(shutdownTimeoutMs / 3));
}

/** `serve --demo`: the demo keys as JSON lines on stdout, printed once (see seedDemoUsers). */
function showDemoKeysAsJson(credentials: DemoCredential[], url: string): void {
  const time = new Date().toISOString();
  if (credentials.length === 0) {
    print(JSON.stringify({ time, level: 'info', msg: demoKeysAlreadyShown() }));
    return;
  }
  for (const c of credentials) {
    print(JSON.stringify({ time, level: 'info', msg: 'demo API key (shown only this once)', email: c.email, agency: c.agencyCode, roles: c.roles, apiKey: c.apiKey }));
  }
  print(JSON.stringify({ time, level: 'info', msg: 'try the demo', graphiql: `${url}/graphql`, hint: 'put a key in GraphiQL\'s Headers tab as {"Authorization": "Bearer wwk_…"}' }));
}

const program = new Command('windward')
  .description('Windward: secure intelligence exchange for customs enforcement networks')
  .showHelpAfterError()
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

program
  .command('serve')
  .description('run the API and the workers (applies migrations and loads reference agencies first)')
  .option('--no-worker', 'API only: leave jobs to `windward worker` processes')
  .option('--demo', 'load the demo users (with API keys printed once), demo seizure reports and Operation Caribbean Shield when they do not exist yet')
  .action(async (options: { worker: boolean; demo?: boolean }) => {
    try {
      const config = loadConfig();
      const logger = new JsonLogger(config.log.level);
      jsonProcessOutput(logger);
      const server = await startServer(config, { worker: options.worker, exclusiveDataDir: true });
      server.runtime.logger.event('info', 'configuration', describeConfig(config));
      closeOnSignal(logger, () => server.close({ drainMs: drainMs(config.server.shutdownTimeoutMs) }), config.server.shutdownTimeoutMs);
      if (options.demo) {
        const result = await seedDemo(server.app, { show: (credentials) => showDemoKeysAsJson(credentials, server.url) });
        logger.event('info', 'demo loaded', { seizures: result.seizures.total, submitted: result.seizures.submitted, existing: result.seizures.existing, operation: result.operation?.status ?? null });
      }
    } catch (error) {
      failStart(error);
    }
  });

program
  .command('worker')
  .description('run the job workers only')
  .action(async () => {
    try {
      const config = loadConfig();
      const logger = new JsonLogger(config.log.level);
      jsonProcessOutput(logger);
      const runtime = await openRuntime(config, logger, { command: 'windward worker', exclusive: false });
      let app;
      try {
        app = await NestFactory.createApplicationContext(AppModule.forCommands(runtime), { logger: runtime.logger, abortOnError: false });
      } catch (error) {
        await runtime.close().catch(() => undefined);
        throw error;
      }
      const context = app;
      context.get(JobsService).startWorker();
      closeOnSignal(logger, async () => {
        await context.close();
        await runtime.close();
      }, config.server.shutdownTimeoutMs);
    } catch (error) {
      failStart(error);
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const connection = await openDatabaseConnection(loadConfig());
    const dataSource = createDataSource(connection, 2);
    try {
      await dataSource.initialize();
      const applied = await applyMigrations(dataSource);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await connection.close();
    }
  });

program
  .command('seed')
  .description('load the reference agencies from config/agencies.yaml (idempotent)')
  .action(async () => {
    await withPlatform(async (_app, runtime) => {
      const result = await seedReferenceData(runtime);
      print(`agencies: ${result.inserted} added, ${result.updated} already present`);
    }, { seed: false });
  });

program
  .command('demo')
  .description('load the demo users (API keys are printed once, when a user is created), the demo seizure reports and Operation Caribbean Shield with its published report')
  .action(async () => {
    await withPlatform(async (app, runtime) => {
      const url = `http://localhost:${runtime.config.server.port}`;
      const result = await seedDemo(app, { show: (credentials) => print(formatDemoCredentials(credentials, url) || demoKeysAlreadyShown()) });
      print(formatDemoLoaded(result));
    });
  });

const user = program.command('user').description('manage users and machine clients');
user
  .command('create')
  .description('create a user (idempotent on email)')
  .requiredOption('--agency <code>', 'agency code, e.g. JM or RILO-WE')
  .requiredOption('--email <email>', 'email address (the login name)')
  .requiredOption('--roles <roles>', 'comma-separated: ELO, ANALYST, AGENCY_ADMIN, PLATFORM_ADMIN, AUDITOR, PARTNER')
  .option('--name <name>', 'display name')
  .action(async (options: { agency: string; email: string; roles: string; name?: string }) => {
    await withPlatform(async (app) => {
      const result = await app.get(UsersService).createOrGet({
        agencyCode: options.agency,
        email: options.email,
        roles: options.roles.split(','),
        displayName: options.name,
      });
      print(`${result.created ? 'created' : 'exists'}: ${result.user.email} (${result.user.agencyCode}; ${result.user.roles.join(',')}) id ${result.user.id}`);
    });
  });

user
  .command('update')
  .description("change a user's roles, agency or status; their open WebSocket connections close at once")
  .requiredOption('--email <email>', 'the user')
  .option('--roles <roles>', 'comma-separated roles, replacing the current ones')
  .option('--agency <code>', 'move the user to this agency')
  .option('--status <status>', 'ACTIVE or DISABLED')
  .action(async (options: { email: string; roles?: string; agency?: string; status?: string }) => {
    await withPlatform(async (app) => {
      const result = await app.get(UsersService).update(options.email, {
        roles: options.roles?.split(','),
        agencyCode: options.agency,
        status: options.status,
      });
      const { user: updated, changed } = result;
      print(`${changed.length ? `updated (${changed.join(', ')})` : 'unchanged'}: ${updated.email} (${updated.agencyCode}; ${updated.roles.join(',')}; ${updated.status}) id ${updated.id}`);
    });
  });

const apikey = program.command('apikey').description('manage API keys');
apikey
  .command('create')
  .description('create an API key; prints its id, then the key itself as the last line (shown only once)')
  .requiredOption('--user <email>', 'the user the key acts for')
  .addOption(new Option('--ttl <ttl>', 'lifetime such as 90m, 12h, 30d, 52w (default: no expiry)'))
  .option('--label <label>', 'a note to tell keys apart')
  .action(async (options: { user: string; ttl?: string; label?: string }) => {
    await withPlatform(async (app) => {
      const created = await app.get(ApiKeysService).create(options.user, { ttl: options.ttl, label: options.label });
      print(`id: ${created.id}`);
      if (created.expiresAt) print(`expires: ${created.expiresAt.toISOString()}`);
      print(created.key);
    });
  });
apikey
  .command('revoke')
  .description('revoke an API key by id')
  .requiredOption('--id <id>', 'the key id printed by `apikey create`')
  .action(async (options: { id: string }) => {
    await withPlatform(async (app) => {
      const key = await app.get(ApiKeysService).revoke(options.id);
      print(`revoked: ${key.id} at ${key.revokedAt?.toISOString()}`);
    });
  });

program
  .command('audit')
  .description('the tamper-evident audit trail')
  .command('verify')
  .description('check the whole audit hash chain; exit 1 with the first broken event')
  .action(async () => {
    process.exitCode = await auditVerifyCommand(print);
  });

// keygen, seal, open: local file commands, no database.
registerKeyCommands(program, print);
// key register: talks to a running server over GraphQL (proof of possession of the private key).
registerKeyRegisterCommand(program, print);

/** One line on stderr, no stack trace; exit 1 (2 for a bad configuration or usage). */
function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`windward: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof DomainError) {
    process.stderr.write(`windward: ${error.message} (${error.code})\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  commandLogger().event('debug', 'command failed', { error: message });
  process.stderr.write(`windward: ${message}\n`);
  process.exit(1);
}

program.parseAsync(process.argv).catch(fail);
