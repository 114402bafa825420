import type { INestApplicationContext } from '@nestjs/common';
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

export interface DemoCredential {
  email: string;
  agencyCode: string;
  roles: readonly string[];
  apiKey: string;
}

/**
 * Creates the demo users that do not exist yet, each with an API key. Keys are shown only once,
 * so a second run creates nothing and returns nothing.
 */
export async function seedDemoUsers(app: INestApplicationContext): Promise<DemoCredential[]> {
  const users = app.get(UsersService);
  const apiKeys = app.get(ApiKeysService);
  const created: DemoCredential[] = [];
  for (const demo of DEMO_USERS) {
    const result = await users.createOrGet({ ...demo, roles: [...demo.roles] });
    if (!result.created) continue;
    const key = await apiKeys.create(demo.email, { label: 'demo' });
    created.push({ email: demo.email, agencyCode: demo.agencyCode, roles: demo.roles, apiKey: key.key });
  }
  return created;
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
