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
import { formatDemoSeedResult, seedDemo } from '../demo/demo.js';
import { DomainError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import { registerKeyCommands } from '../keys/key-commands.js';
import { UsersService } from '../users/users.service.js';
import { commandLogger, withPlatform } from './command-context.js';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Stops on SIGTERM/SIGINT after in-flight requests and jobs finish, or after `timeoutMs` if they do
 * not (SHUTDOWN_TIMEOUT_MS); a second signal stops at once.
 */
function closeOnSignal(close: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: finishing in-flight requests and jobs…\n`);
    setTimeout(() => {
      process.stderr.write(`windward: shutdown took longer than ${timeoutMs} ms; stopping now\n`);
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
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
    const config = loadConfig();
    const server = await startServer(config, { worker: options.worker });
    server.runtime.logger.event('info', 'configuration', describeConfig(config));
    if (options.demo) {
      print(formatDemoSeedResult(await seedDemo(server.app), server.url));
    }
    closeOnSignal(server.close, config.server.shutdownTimeoutMs);
  });

program
  .command('worker')
  .description('run the job workers only')
  .action(async () => {
    const config = loadConfig();
    const runtime = await openRuntime(config);
    const app = await NestFactory.createApplicationContext(AppModule.forCommands(runtime), { logger: runtime.logger, abortOnError: false });
    app.get(JobsService).startWorker();
    closeOnSignal(async () => {
      await app.close();
      await runtime.close();
    }, config.server.shutdownTimeoutMs);
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
      print(formatDemoSeedResult(await seedDemo(app), `http://localhost:${runtime.config.server.port}`));
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
