import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Repository } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { OpenOperations } from '../access/open-operations.js';
import type { Principal } from '../access/principal.js';
import { loadConfigFiles } from '../config/config-files.js';
import { UnauthenticatedError } from '../errors/domain-error.js';
import type { UserEntity } from '../users/user.entity.js';
import type { ApiKeysService } from './api-keys.service.js';
import type { AuthenticationService } from './authentication.service.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { RequestContexts } from './request-contexts.js';

const { policies } = loadConfigFiles(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config'));
const USER_ID = '11111111-1111-4111-8111-111111111111';

/** The factory with its collaborators faked: what it adds is the assembly, not the authentication. */
function factory(options: { user?: Partial<UserEntity> | null; agencyActive?: boolean; operations?: string[]; holdsCredentials?: boolean } = {}) {
  const principalOf = (authMethod: Principal['authMethod']): Principal => ({
    userId: USER_ID, email: 'elo@jm.test', agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION', country: 'JM', region: 'Caribbean',
    communities: ['CCLEC'], roles: ['ELO'], authMethod,
  });
  const asked: string[] = [];
  const openOperations: OpenOperations = {
    openOperationsOf: async (agencyCode) => (asked.push(agencyCode), options.operations ?? []),
    openOperationsSql: () => 'NULL::text[]',
    participantsAccepting: async () => null,
    lockAccepting: async () => null,
  };
  const access = new AccessService(policies, openOperations);
  const authenticator = { authenticate: async () => principalOf('api-key') } as unknown as RequestAuthenticator;
  const authentication = {
    principalFor: async (_user: UserEntity, authMethod: Principal['authMethod']) => {
      if (options.agencyActive === false) throw new UnauthenticatedError('The agency of these credentials is not active');
      return principalOf(authMethod);
    },
  } as unknown as AuthenticationService;
  const user = options.user === undefined ? { id: USER_ID, status: 'ACTIVE' } : options.user;
  const users = {
    findOneBy: async ({ id }: { id: string }) => {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('invalid input syntax for type uuid'); // what PostgreSQL answers
      return user && user.id === id ? user : null;
    },
  } as unknown as Repository<UserEntity>;
  const apiKeys = { holdsOwnCredentials: async () => options.holdsCredentials ?? true } as unknown as ApiKeysService;
  return { contexts: new RequestContexts(authenticator, apiKeys, authentication, access, users), access, asked };
}

describe('RequestContexts', () => {
  it('forRequest: the authenticated principal, its ability, and the request id it is given', async () => {
    const { contexts, access } = factory({ operations: ['op-1'] });
    const ctx = await contexts.forRequest({ authorization: 'Bearer wwk_x' }, { method: 'POST', requestId: 'req-7' });
    expect(ctx.requestId).toBe('req-7');
    expect(ctx.principal.authMethod).toBe('api-key');
    expect(ctx.ability).toBe(await access.abilityFor(ctx.principal));
    expect((await contexts.forRequest({}, { requestId: 'sub-1' })).requestId).toBe('sub-1');
  });

  it("forUser: the user's principal marked 'system', the purpose as request id, the same ability their own request gets", async () => {
    const { contexts, asked } = factory({ operations: ['op-1'] });
    const job = await contexts.forUser(USER_ID, 'job:operations.compile-report:42');
    const request = await contexts.forRequest({ authorization: 'Bearer wwk_x' });
    expect(job).toMatchObject({ requestId: 'job:operations.compile-report:42', principal: { userId: USER_ID, authMethod: 'system' } });
    // No rule depends on how the caller signed in: one shared ability for both.
    expect(job!.ability).toBe(request.ability);
    expect(asked).toEqual(['JM', 'JM']); // the open operations came through the operations port
  });

  it.each([
    ['a user that does not exist', { user: null }],
    ['a disabled user', { user: { id: USER_ID, status: 'DISABLED' } as Partial<UserEntity> }],
  ])('forUser: null for %s', async (_name, options) => {
    expect(await factory(options).contexts.forUser(USER_ID, 'demo')).toBeNull();
  });

  it('forUser: null for an id that is not a uuid, without asking the database', async () => {
    expect(await factory().contexts.forUser("1' OR '1'='1", 'demo')).toBeNull();
  });

  it("forUser: refuses with UNAUTHENTICATED when the user's agency is not active", async () => {
    await expect(factory({ agencyActive: false }).contexts.forUser(USER_ID, 'demo')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('forCredentialHolder: as forUser while the user holds credentials of their own, else null', async () => {
    expect((await factory().contexts.forCredentialHolder(USER_ID, 'job:alerts.match:1'))?.requestId).toBe('job:alerts.match:1');
    await expect(factory({ holdsCredentials: false }).contexts.forCredentialHolder(USER_ID, 'job:alerts.match:1')).resolves.toBeNull();
    await expect(factory().contexts.forCredentialHolder('not-a-uuid', 'job:alerts.match:1')).resolves.toBeNull();
  });
});
