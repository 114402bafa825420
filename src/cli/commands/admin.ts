import { seedReferenceData } from '../../app/reference-data.js';
import { ApiKeysService } from '../../auth/api-keys.service.js';
import { formatDemoLoaded, seedDemo } from '../../demo/demo.js';
import { demoKeysAlreadyShown, formatDemoCredentials } from '../../demo/demo-users.js';
import { UsersService } from '../../users/users.service.js';
import { withPlatform } from '../command-context.js';
import type { Print } from '../print.js';

/* The administration commands: each runs against the platform's services, then closes them. */


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
  await withPlatform(async (app) => {
    const result = await app.get(UsersService).createOrGet({
      agencyCode: options.agency,
      email: options.email,
      roles: options.roles.split(','),
      displayName: options.name,
    });
    print(`${result.created ? 'created' : 'exists'}: ${result.user.email} (${result.user.agencyCode}; ${result.user.roles.join(',')}) id ${result.user.id}`);
  });
}

export async function userUpdate(options: { email: string; roles?: string; agency?: string; status?: string }, print: Print): Promise<void> {
  await withPlatform(async (app) => {
    const result = await app.get(UsersService).update(options.email, {
      roles: options.roles?.split(','),
      agencyCode: options.agency,
      status: options.status,
    });
    const { user: updated, changed } = result;
    print(`${changed.length ? `updated (${changed.join(', ')})` : 'unchanged'}: ${updated.email} (${updated.agencyCode}; ${updated.roles.join(',')}; ${updated.status}) id ${updated.id}`);
  });
}

export async function apiKeyCreate(options: { user: string; ttl?: string; label?: string }, print: Print): Promise<void> {
  await withPlatform(async (app) => {
    const created = await app.get(ApiKeysService).create(options.user, { ttl: options.ttl, label: options.label });
    print(`id: ${created.id}`);
    if (created.expiresAt) print(`expires: ${created.expiresAt.toISOString()}`);
    print(created.key);
  });
}

export async function apiKeyRevoke(options: { id: string }, print: Print): Promise<void> {
  await withPlatform(async (app) => {
    const key = await app.get(ApiKeysService).revoke(options.id);
    print(`revoked: ${key.id} at ${key.revokedAt?.toISOString()}`);
  });
}
