import { seedReferenceData } from '../../app/reference-data.js';
import { ApiKeysService, apiKeyLabelProblem, parseTtl } from '../../auth/api-keys.service.js';
import { formatDemoLoaded, seedDemo } from '../../demo/demo.js';
import { demoKeysAlreadyShown, formatDemoCredentials } from '../../demo/demo-users.js';
import { BadUserInputError } from '../../errors/domain-error.js';
import { UsersService, displayNameProblem } from '../../users/users.service.js';
import { commandLineActor } from '../command-actor.js';
import { withPlatform } from '../command-context.js';
import type { Print } from '../print.js';

/*
 * The administration commands: each runs against the platform's services, then closes them. The
 * changes go through the methods the API uses, audited with the command line as their actor
 * (command-actor.ts), and values are checked as the API checks them. `seed`, `demo` and
 * `user create` set a database up, and make the embedded one when DATA_DIR has none; the commands
 * on an existing user or key fail instead (`create: false`).
 */

/**
 * An option's value checked before anything is opened, with the service's own rule, so that a
 * refusal names the option as it was typed.
 */
function checkedOption(option: string, value: string | undefined, problem: (value: string) => string | null): string | undefined {
  const why = value === undefined ? null : problem(value);
  if (why) throw new BadUserInputError(`${option} ${why}`, [option]);
  return value;
}


/** `windward seed`: the reference agencies from config/agencies.yaml (idempotent). */
export async function seed(print: Print): Promise<void> {
  await withPlatform(async (_app, runtime) => {
    const result = await seedReferenceData(runtime);
    print(`agencies: ${result.inserted} added, ${result.updated} already present`);
  }, { seed: false });
}

/** `windward demo`: the demo users, seizure reports and operation. */
export async function demo(print: Print): Promise<void> {
  await withPlatform(async (app, runtime) => {
    const url = `http://localhost:${runtime.config.server.port}`;
    const result = await seedDemo(app, { show: (credentials) => print(formatDemoCredentials(credentials, url) || demoKeysAlreadyShown()) });
    print(formatDemoLoaded(result));
  });
}

export async function userCreate(options: { agency: string; email: string; roles: string; name?: string }, print: Print): Promise<void> {
  const displayName = checkedOption('--name', options.name, displayNameProblem);
  await withPlatform(async (app) => {
    const result = await app.get(UsersService).create(
      { agencyCode: options.agency, email: options.email, roles: options.roles.split(','), displayName },
      commandLineActor('user create'),
    );
    const { user } = result;
    print(`${result.created ? 'created' : 'exists'}: ${user.email} (${user.agencyCode}; ${user.roles.join(',')}${user.status === 'ACTIVE' ? '' : `; ${user.status}`}) id ${user.id}`);
    if (!result.asAsked) {
      process.stderr.write('windward: the existing user was left as it is; `windward user update` changes its roles or agency\n');
    }
  });
}

export async function userUpdate(options: { email: string; roles?: string; agency?: string; status?: string }, print: Print): Promise<void> {
  await withPlatform(async (app) => {
    const result = await app.get(UsersService).update(
      options.email,
      { roles: options.roles?.split(','), agencyCode: options.agency, status: options.status },
      commandLineActor('user update'),
    );
    const { user: updated, changed } = result;
    print(`${changed.length ? `updated (${changed.join(', ')})` : 'unchanged'}: ${updated.email} (${updated.agencyCode}; ${updated.roles.join(',')}; ${updated.status}) id ${updated.id}`);
  }, { create: false });
}

export async function apiKeyCreate(options: { user: string; ttl?: string; label?: string }, print: Print): Promise<void> {
  const label = checkedOption('--label', options.label, apiKeyLabelProblem);
  if (options.ttl !== undefined) parseTtl(options.ttl);
  await withPlatform(async (app) => {
    const created = await app.get(ApiKeysService).create(options.user, { ttl: options.ttl, label, auditAs: commandLineActor('apikey create') });
    print(`id: ${created.id}`);
    if (created.expiresAt) print(`expires: ${created.expiresAt.toISOString()}`);
    print(created.key);
  }, { create: false });
}

export async function apiKeyRevoke(options: { id: string }, print: Print): Promise<void> {
  await withPlatform(async (app) => {
    const key = await app.get(ApiKeysService).revoke(options.id, { auditAs: commandLineActor('apikey revoke') });
    print(`revoked: ${key.id} at ${key.revokedAt?.toISOString()}`);
  }, { create: false });
}
