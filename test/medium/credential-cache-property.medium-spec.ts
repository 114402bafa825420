import { getRepositoryToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import type { Repository } from 'typeorm';
import { OPEN_OPERATIONS, type OpenOperations } from '../../src/access/open-operations.js';
import { AgencyEntity } from '../../src/agencies/agency.entity.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { ApiKeyEntity } from '../../src/auth/api-key.entity.js';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import { CredentialCache } from '../../src/auth/credential-cache.js';
import { OidcService } from '../../src/auth/oidc.service.js';
import { APP_CONFIG } from '../../src/config/config.tokens.js';
import { ReadStatements } from '../../src/database/read-statements.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The credential cache (src/auth/credential-cache.ts) must never answer differently from the
 * database: over random sequences of the changes that alter what a key stands for (a key revoked or
 * expired, a user's roles, status or agency, an agency suspended, operations set up and closed),
 * made by this process's services (heard at once) or by another connection (heard by notification,
 * waited for with `caughtUp`), every key is authenticated through the server's cache and through
 * the same service with no cache, and the two answers must be equal: the same principal, or the same
 * refusal.
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
const RUN_SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};

type Action =
  | { kind: 'revoke' | 'expire' | 'disable' | 'enable'; user: number }
  | { kind: 'roles'; user: number; roles: string[] }
  | { kind: 'move'; user: number; agency: string }
  | { kind: 'agency'; agency: string; status: 'ACTIVE' | 'SUSPENDED' }
  | { kind: 'open'; participants: string[] }
  | { kind: 'close'; operation: number };

const AGENCIES = ['JM', 'KY', 'BB'];
const USERS = 3;

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom('revoke' as const, 'expire' as const, 'disable' as const, 'enable' as const), user: fc.nat(USERS - 1) }),
  fc.record({ kind: fc.constant('roles' as const), user: fc.nat(USERS - 1), roles: fc.subarray(['ELO', 'ANALYST', 'AUDITOR'], { minLength: 1 }) }),
  fc.record({ kind: fc.constant('move' as const), user: fc.nat(USERS - 1), agency: fc.constantFrom(...AGENCIES) }),
  fc.record({ kind: fc.constant('agency' as const), agency: fc.constantFrom(...AGENCIES), status: fc.constantFrom('ACTIVE' as const, 'SUSPENDED' as const) }),
  fc.record({ kind: fc.constant('open' as const), participants: fc.subarray(AGENCIES, { minLength: 1 }) }),
  fc.record({ kind: fc.constant('close' as const), operation: fc.nat(5) }),
);

onPostgres('credential cache against the database', () => {
  let app: TestApp;
  let cached: AuthenticationService;
  let uncached: AuthenticationService;
  let users: UsersService;
  let run = 0;

  beforeAll(async () => {
    app = await startTestApp();
    const nest = app.server.app;
    cached = nest.get(AuthenticationService);
    // The same services, with a cache that has no channel: every answer read from the database.
    const keys = new ApiKeysService(
      nest.get<Repository<ApiKeyEntity>>(getRepositoryToken(ApiKeyEntity)),
      nest.get<Repository<UserEntity>>(getRepositoryToken(UserEntity)),
      nest.get(ReadStatements),
      nest.get(APP_CONFIG),
      nest.get(AuditService),
      new CredentialCache(null),
      nest.get<OpenOperations>(OPEN_OPERATIONS),
    );
    uncached = new AuthenticationService(keys, nest.get(OidcService), nest.get<Repository<AgencyEntity>>(getRepositoryToken(AgencyEntity)));
    users = nest.get(UsersService);
  });
  afterAll(async () => {
    // Agencies back to what the other files expect of a template database (this one is dropped anyway).
    await app?.server.runtime.dataSource.query(`UPDATE agencies SET status = 'ACTIVE' WHERE code = ANY($1)`, [AGENCIES]).catch(() => undefined);
    await app?.stop();
  });

  const sql = (text: string, params: unknown[] = []) => app.server.runtime.dataSource.query(text, params);

  /**
   * Runs `work` with the channel's notifications held back and delivered only after it: as if the
   * database's notification of a change were slow to arrive. What `work` sees of a change cannot
   * have come from the notification, only from the process's own invalidation.
   */
  async function withNotificationsLate(work: () => Promise<void>): Promise<void> {
    const channel = app.server.runtime.credentialChanges as unknown as { heard(payload: string): void };
    const heard = channel.heard.bind(channel);
    const held: string[] = [];
    channel.heard = (payload: string) => void held.push(payload);
    try {
      await work();
    } finally {
      channel.heard = heard;
      for (const payload of held) heard(payload);
    }
  }

  async function answer(service: AuthenticationService, key: string): Promise<unknown> {
    try {
      const principal = await service.authenticate(`Bearer ${key}`);
      return { ...principal, openOperations: principal.openOperations ? [...principal.openOperations].sort() : principal.openOperations };
    } catch (error) {
      return { refused: (error as { code?: string }).code ?? String(error) };
    }
  }

  it('answers every key as the database does, after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (actions, bySql) => {
        run += 1;
        await sql(`UPDATE agencies SET status = 'ACTIVE' WHERE code = ANY($1)`, [AGENCIES]);
        const holders: { email: string; userId: string; key: string }[] = [];
        for (let i = 0; i < USERS; i += 1) holders.push(await app.userWithKey(AGENCIES[i], ['ELO'], `cache-prop-${run}-${i}@jm.test`));
        const operations: string[] = [];
        const check = async (step: string) => {
          for (const holder of holders) {
            const fromCache = await answer(cached, holder.key);
            const fromDatabase = await answer(uncached, holder.key);
            if (JSON.stringify(fromCache) !== JSON.stringify(fromDatabase)) {
              expect({ step, user: holder.email, answer: fromCache }).toEqual({ step, user: holder.email, answer: fromDatabase });
            }
          }
        };
        await check('start');
        await check('start, cached');
        for (const [i, change] of actions.entries()) {
          const holder = change.kind === 'agency' || change.kind === 'open' || change.kind === 'close' ? null : holders[change.user];
          // Users change through the service (as `windward user update` does) or by plain SQL (another process).
          const viaService = !bySql[i] && (change.kind === 'disable' || change.kind === 'enable' || change.kind === 'roles' || change.kind === 'move');
          if (viaService) {
            // Heard at once, before the database's notification arrives.
            await withNotificationsLate(async () => {
              const { email } = holder!;
              if (change.kind === 'roles') await users.update(email, { roles: change.roles });
              else if (change.kind === 'move') await users.update(email, { agencyCode: change.agency });
              else await users.update(email, { status: change.kind === 'disable' ? 'DISABLED' : 'ACTIVE' });
              await check(`${i}: ${JSON.stringify(change)} (service, its notification not yet arrived)`);
            });
            continue;
          }
          switch (change.kind) {
            case 'revoke':
              await sql('UPDATE api_keys SET revoked_at = now() WHERE user_id = $1', [holder!.userId]);
              break;
            case 'expire':
              await sql("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1", [holder!.userId]);
              break;
            case 'disable':
            case 'enable':
              await sql('UPDATE users SET status = $2 WHERE id = $1', [holder!.userId, change.kind === 'disable' ? 'DISABLED' : 'ACTIVE']);
              break;
            case 'roles':
              await sql('UPDATE users SET roles = $2 WHERE id = $1', [holder!.userId, change.roles]);
              break;
            case 'move':
              await sql('UPDATE users SET agency_code = $2 WHERE id = $1', [holder!.userId, change.agency]);
              break;
            case 'agency':
              await sql('UPDATE agencies SET status = $2 WHERE code = $1', [change.agency, change.status]);
              break;
            case 'open': {
              const [{ id }] = (await sql(
                `INSERT INTO operations (code_name, focus, tlp, lead_agency, participants, status, starts_at, ends_at, created_by)
                 VALUES ($1, 'f', 'AMBER', $2, $3, 'ACTIVE', now(), now() + interval '1 day', $4) RETURNING id`,
                [`CACHE PROP ${run} ${i}`, change.participants[0], change.participants, holders[0].userId],
              )) as { id: string }[];
              operations.push(id);
              break;
            }
            case 'close':
              if (operations[change.operation]) await sql("UPDATE operations SET status = 'CLOSED' WHERE id = $1", [operations[change.operation]]);
              break;
          }
          // A change by plain SQL, as another process makes it, is heard by notification: wait for it.
          await app.server.runtime.credentialChanges!.caughtUp();
          await check(`${i}: ${JSON.stringify(change)}`);
        }
      }),
      { numRuns: 100, ...RUN_SEED },
    );
  }, 300_000);
});
