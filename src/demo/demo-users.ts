import type { INestApplicationContext } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { UsersService } from '../users/users.service.js';

/** One user per kind of reader, so that a newcomer can see how access differs between them. */
export const DEMO_USERS = [
  { email: 'elo@jm.demo', agencyCode: 'JM', roles: ['ELO'], displayName: 'Jamaica Customs Agency ELO' },
  { email: 'admin@jm.demo', agencyCode: 'JM', roles: ['AGENCY_ADMIN'], displayName: 'Jamaica Customs Agency administrator' },
  { email: 'elo@ky.demo', agencyCode: 'KY', roles: ['ELO'], displayName: 'Cayman Islands Customs and Border Control ELO' },
  { email: 'elo@tt.demo', agencyCode: 'TT', roles: ['ELO'], displayName: 'Trinidad and Tobago Customs ELO' },
  { email: 'analyst@jio.demo', agencyCode: 'JIO', roles: ['ANALYST'], displayName: 'JIO analyst' },
  { email: 'reviewer@jio.demo', agencyCode: 'JIO', roles: ['REVIEWER'], displayName: 'JIO reviewer (second pair of eyes on operation reports)' },
  { email: 'auditor@jio.demo', agencyCode: 'JIO', roles: ['AUDITOR'], displayName: 'JIO auditor' },
  { email: 'partner@rilo-we.demo', agencyCode: 'RILO-WE', roles: ['PARTNER'], displayName: 'RILO Western Europe machine client' },
  { email: 'platform@wco.demo', agencyCode: 'WCO', roles: ['PLATFORM_ADMIN'], displayName: 'Platform administrator' },
] as const;

/** Labels of demo keys: one that was printed, and one not printed yet (its start was interrupted). */
const SHOWN = 'demo';
const NOT_SHOWN = 'demo (not yet shown)';

export interface DemoCredential {
  keyId: string;
  email: string;
  agencyCode: string;
  roles: readonly string[];
  apiKey: string;
}

/**
 * Creates the demo users that do not exist yet, and a key for each demo user that has none that
 * was ever shown: keys are shown only once, and a first start killed before it printed them (or
 * before `markDemoKeysShown`) must not leave the demo without keys. An unshown key from such a
 * start is revoked when its replacement is made. A second complete run returns nothing.
 */
export async function seedDemoUsers(app: INestApplicationContext): Promise<DemoCredential[]> {
  const users = app.get(UsersService);
  const apiKeys = app.get(ApiKeysService);
  const keyRows = app.get(DataSource).getRepository(ApiKeyEntity);
  const issued: DemoCredential[] = [];
  for (const demo of DEMO_USERS) {
    const { user } = await users.createOrGet({ ...demo, roles: [...demo.roles] });
    const keys = await keyRows.findBy({ userId: user.id, label: In([SHOWN, NOT_SHOWN]) });
    if (keys.some((k) => k.label === SHOWN)) continue; // shown once (even if revoked since): never again
    for (const unshown of keys.filter((k) => !k.revokedAt)) await apiKeys.revoke(unshown.id);
    const key = await apiKeys.create(demo.email, { label: NOT_SHOWN });
    issued.push({ keyId: key.id, email: demo.email, agencyCode: demo.agencyCode, roles: demo.roles, apiKey: key.key });
  }
  return issued;
}

/** Records that these keys were printed, so that no later start prints (or replaces) them again. */
export async function markDemoKeysShown(app: INestApplicationContext, credentials: DemoCredential[]): Promise<void> {
  if (credentials.length === 0) return;
  await app.get(DataSource).getRepository(ApiKeyEntity).update({ id: In(credentials.map((c) => c.keyId)), label: NOT_SHOWN }, { label: SHOWN });
}

/** What a start that issued no keys says, so that nobody is left without a way in. */
export function demoKeysAlreadyShown(): string {
  return 'demo users already exist and their API keys were shown when they were made; for a new one: windward apikey create --user elo@jm.demo';
}

export function formatDemoCredentials(credentials: DemoCredential[], url: string): string {
  if (credentials.length === 0) return '';
  const lines = [
    '',
    'Demo users created. Their API keys are shown only this once:',
    ...credentials.map((c) => `  ${c.email.padEnd(22)} ${c.agencyCode.padEnd(8)} ${c.roles.join(',').padEnd(15)} ${c.apiKey}`),
    '',
    'Try:',
    `  curl -s ${url}/graphql -H 'content-type: application/json' \\`,
    `    -H 'Authorization: Bearer ${credentials[0].apiKey}' \\`,
    `    -d '{"query":"{ me { email roles agency { code name } } }"}'`,
    `or open ${url}/graphql in a browser (GraphiQL; put the key in the Headers tab).`,
    '',
  ];
  return lines.join('\n');
}
