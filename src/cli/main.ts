#!/usr/bin/env node
import { Command, Option } from 'commander';
import { nameCommand } from './command-database.js';
import { printHeldWarnings } from './command-logger.js';
import { registerKeyCommands, registerKeyRegisterCommand } from './commands/keys.js';
import { fail, failuresExitWith } from './fail.js';
import { print } from './print.js';
import { WindwardCommand } from './windward-command.js';

/*
 * The `windward` command. Only commander loads at start: each command imports what it needs (the
 * platform: Nest, TypeORM, the app's modules; or OpenPGP) when it runs, so that `--help`, `keygen`,
 * `seal` and `open` start in a fraction of a second. test/cli-startup.e2e-spec.ts keeps
 * it so.
 */


/** For the developer tools whose exit code is the answer; the process ends even if a handle lingers. */
function exitWith(code: number): never {
  printHeldWarnings();
  process.exit(code);
}

const program = new WindwardCommand('windward')
  .description('Windward: secure intelligence exchange for customs enforcement networks')
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  })
  // The whole verb (`windward user create`), for the DATA_DIR lock and whoever it makes wait.
  .hook('preAction', (_program, action) => {
    const words: string[] = [];
    for (let command: Command | null = action; command; command = command.parent) words.unshift(command.name());
    nameCommand(words.join(' '));
  })
  // Done: the warnings of its work follow its result. A failure never gets here (fail.ts).
  .hook('postAction', printHeldWarnings);

program
  .command('serve')
  .description('run the API and the workers (applies migrations and loads reference agencies first)')
  .option('--no-worker', 'API only: leave jobs to `windward worker` processes')
  .option('--demo', 'load the demo users (with API keys printed once), demo seizure reports and Operation Caribbean Shield when they do not exist yet')
  .action(async (options: { worker: boolean; demo?: boolean }) => {
    await (await import('./commands/serve.js')).serve(options, print);
  });

program
  .command('worker')
  .description('run the job workers only; GET /health on WORKER_HEALTH_PORT (default 4001) reports database and queue readiness')
  .action(async () => {
    await (await import('./commands/worker.js')).worker();
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    await (await import('./commands/migration.js')).migrate(print);
  });

const migration = program.command('migration').description('developer tools for migrations (DATABASE_URL, or the embedded database)');
migration
  .command('check')
  .description('exit 1 when the entities and the migrations differ')
  .action(async () => {
    exitWith(await (await import('./commands/migration.js')).migrationCheck(print));
  });
migration
  .command('generate')
  .description('write migrations/<time>-<Name>.ts with the SQL that makes the migrations match the entities')
  .argument('<Name>', 'PascalCase name of the migration')
  .action(async (name: string) => {
    exitWith(await (await import('./commands/migration.js')).migrationGenerate(name, print));
  });

const schema = program.command('schema').description('schema.graphql, printed from the running code on a throwaway embedded database');
schema
  .command('print')
  .description('write schema.graphql')
  .action(async () => {
    exitWith(await (await import('./commands/schema.js')).schemaPrint(print));
  });
schema
  .command('check')
  .description('exit 1 when the committed schema.graphql differs from the served schema')
  .action(async () => {
    exitWith(await (await import('./commands/schema.js')).schemaCheck(print));
  });

program
  .command('seed')
  .description('load the reference agencies from config/agencies.yaml (idempotent)')
  .action(async () => {
    await (await import('./commands/admin.js')).seed(print);
  });

program
  .command('demo')
  .description('load the demo users (API keys are printed once, when a user is created), the demo seizure reports and Operation Caribbean Shield with its published report')
  .action(async () => {
    await (await import('./commands/admin.js')).demo(print);
  });

const user = program.command('user').description('manage users and machine clients');
user
  .command('create')
  .description('create a user (audited); run again with the same agency and roles it changes nothing, with others it is refused')
  .requiredOption('--agency <code>', 'agency code, e.g. JM or RILO-WE')
  .requiredOption('--email <email>', 'email address (the login name)')
  .requiredOption('--roles <roles>', 'comma-separated: ELO, ANALYST, AGENCY_ADMIN, PLATFORM_ADMIN, AUDITOR, PARTNER, REVIEWER')
  .option('--name <name>', 'display name')
  .action(async (options: { agency: string; email: string; roles: string; name?: string }) => {
    await (await import('./commands/admin.js')).userCreate(options, print);
  });

user
  .command('update')
  .description("change a user's roles, agency or status; their open WebSocket connections close at once")
  .requiredOption('--email <email>', 'the user')
  .option('--roles <roles>', 'comma-separated roles, replacing the current ones')
  .option('--agency <code>', 'move the user to this agency')
  .option('--status <status>', 'ACTIVE or DISABLED')
  .action(async (options: { email: string; roles?: string; agency?: string; status?: string }) => {
    await (await import('./commands/admin.js')).userUpdate(options, print);
  });

const apikey = program.command('apikey').description('manage API keys');
apikey
  .command('create')
  .description('create an API key; prints its id, then the key itself as the last line (shown only once)')
  .requiredOption('--user <email>', 'the user the key acts for')
  .addOption(new Option('--ttl <ttl>', 'lifetime such as 90m, 12h, 30d, 52w (default: no expiry)'))
  .option('--label <label>', 'a note to tell keys apart')
  .action(async (options: { user: string; ttl?: string; label?: string }) => {
    await (await import('./commands/admin.js')).apiKeyCreate(options, print);
  });
apikey
  .command('revoke')
  .description('revoke an API key by id')
  .requiredOption('--id <id>', 'the key id printed by `apikey create`')
  .action(async (options: { id: string }) => {
    await (await import('./commands/admin.js')).apiKeyRevoke(options, print);
  });

program
  .command('audit')
  .description('the tamper-evident audit trail')
  .command('verify')
  .description('check the whole audit hash chain; exit 1 with the first broken event, 2 when it could not check')
  .option('--anchor <seq:hash>', 'an end of the chain kept earlier (printed here, or an "audit anchor" log line): exit 1 if the chain no longer reaches it with that hash; repeatable', (value: string, all: string[]) => [...all, value], [] as string[])
  .action(async (options: { anchor: string[] }) => {
    // 1 says the chain is broken; not being able to check (no database, unreachable, schema behind, a malformed anchor) must not.
    failuresExitWith(2);
    process.exitCode = await (await import('./commands/audit.js')).auditVerify(options, print);
  });

// keygen, seal, open: local file commands, no database.
registerKeyCommands(program, print);
// key register: talks to a running server over GraphQL (proof of possession of the private key).
registerKeyRegisterCommand(program, print);

// A reader that stops early (`windward … | head -2`) closes the pipe: what is left to print is
// dropped and the command goes on to its own exit code (a broken audit chain still exits 1),
// rather than ending with an unhandled 'error' event and its stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

program.parseAsync(process.argv).catch(fail);
