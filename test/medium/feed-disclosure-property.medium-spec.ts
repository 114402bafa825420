import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { AccessService } from '../../src/access/access.service.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import type { RequestContext } from '../../src/access/request-context.js';
import { ChangeFeedService } from '../../src/federation/change-feed.service.js';
import { SeizureSubmissionService } from '../../src/seizures/write/seizure-submission.service.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import type { SeizureInput, SeizureUpdateInput } from '../../src/seizures/api/seizure.inputs.js';
import type { Tlp } from '../../src/seizures/seizure.enums.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The change feed, for random sequences of submit, release, narrowing, retract and read by several
 * users of one agency (and of two others): no user ever receives a change, tombstone included, for
 * a record that user was never permitted to read; and a tombstone only for one it was shown.
 */
const RUN_SEED = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const RUNS = Number(process.env.FC_RUNS ?? 20);

/** JM's users differ by role and by name (RED names users); KY and the JIO read from outside. */
const USERS: [string, string[]][] = [['JM', ['ELO']], ['JM', ['ELO']], ['JM', ['AGENCY_ADMIN']], ['JM', ['ANALYST']], ['KY', ['ELO']], ['JIO', ['ANALYST']], ['JIO', ['AUDITOR']]];
const WRITERS = [0, 1, 3]; // JM users who may report

type Step =
  | { kind: 'submit'; by: number; tlp: Tlp; releasableTo: string[]; named: number[] }
  | { kind: 'release'; record: number; agencies: string[] }
  | { kind: 'narrow'; record: number; named: number[] }
  | { kind: 'retract'; record: number }
  | { kind: 'read'; by: number; restart: boolean };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), by: fc.constantFrom(...WRITERS), tlp: fc.constantFrom<Tlp>('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED', 'RED'), releasableTo: fc.subarray(['KY', 'JIO']), named: fc.subarray([0, 1, 2, 3, 4, 5, 6], { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('release' as const), record: fc.nat(9), agencies: fc.subarray(['KY', 'JIO'], { minLength: 1 }) }),
  fc.record({ kind: fc.constant('narrow' as const), record: fc.nat(9), named: fc.subarray([0, 1, 2, 3, 4, 5, 6], { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('retract' as const), record: fc.nat(9) }),
  fc.record({ kind: fc.constant('read' as const), by: fc.nat(USERS.length - 1), restart: fc.boolean() }),
  fc.record({ kind: fc.constant('read' as const), by: fc.nat(USERS.length - 1), restart: fc.constant(false) }),
);

describe('change feed: nobody hears of a record they were never permitted to read (property)', () => {
  let platform: TestApp;
  let dataSource: DataSource;
  let access: AccessService;
  let submissions: SeizureSubmissionService;
  let feed: ChangeFeedService;
  let authentication: AuthenticationService;

  beforeAll(async () => {
    platform = await startTestApp();
    dataSource = platform.server.runtime.dataSource;
    access = platform.server.app.get(AccessService);
    submissions = platform.server.app.get(SeizureSubmissionService, { strict: false });
    feed = platform.server.app.get(ChangeFeedService, { strict: false });
    authentication = platform.server.app.get(AuthenticationService);
  });
  afterAll(() => platform?.stop());

  async function contextsForRun(): Promise<RequestContext[]> {
    const contexts: RequestContext[] = [];
    for (const [agency, roles] of USERS) {
      const { userId } = await platform.userWithKey(agency, roles);
      const principal = await authentication.principalFor(await dataSource.getRepository(UserEntity).findOneByOrFail({ id: userId }), 'api-key');
      contexts.push({ principal, ability: await access.abilityFor(principal), requestId: 'prop' });
    }
    return contexts;
  }

  it('holds for random sequences', async () => {
    let received = 0;
    let tombstones = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 4, maxLength: 18 }), async (steps) => {
        const users = await contextsForRun();
        // Each user starts at the end of the log as it is: earlier runs' records are not this run's subject.
        const starts = await Promise.all(users.map((user) => feed.cursorAtEnd(user)));
        const cursors = [...starts];
        const records: string[] = [];
        const permitted = users.map(() => new Set<string>());
        const shown = users.map(() => new Set<string>());
        const marker = randomBytes(3).toString('hex');

        /** Who may read which record now, folded into "ever permitted". */
        const notePermissions = async () => {
          if (!records.length) return;
          const rows = await dataSource.getRepository(SeizureEntity).findBy({ id: In(records) });
          users.forEach((user, i) => {
            for (const row of rows) if (access.can(user.ability, 'read', 'Seizure', row)) permitted[i].add(row.id);
          });
        };

        for (const step of steps) {
          switch (step.kind) {
            case 'submit': {
              const input = {
                reference: `F-${marker}-${records.length}`, tlp: step.tlp, releasableTo: step.tlp === 'RED' ? [] : step.releasableTo,
                releasableToUsers: step.tlp === 'RED' ? step.named.map((i) => users[i].principal.userId) : [], seizedAt: new Date(Date.UTC(2026, 9, 1 + records.length)),
                country: 'JM', transportMode: 'SEA', commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' }, detectionMethod: 'RANDOM', serverBlind: false,
              } as unknown as SeizureInput;
              records.push((await submissions.submit(users[step.by], input)).id);
              break;
            }
            case 'release':
            case 'narrow':
            case 'retract': {
              if (!records.length) break;
              const id = records[step.record % records.length];
              const row = await dataSource.getRepository(SeizureEntity).findOneByOrFail({ id });
              if (row.status === 'RETRACTED') break;
              // The author acts: an ELO or analyst of the owner agency who may read even a RED report.
              const author = users.find((user) => user.principal.userId === row.createdBy)!;
              if (step.kind === 'release' && row.tlp !== 'RED') await submissions.release(author, id, step.agencies);
              if (step.kind === 'narrow' && row.tlp === 'RED') await submissions.update(author, id, { releasableToUsers: step.named.map((i) => users[i].principal.userId) } as SeizureUpdateInput);
              if (step.kind === 'narrow' && row.tlp !== 'RED') await submissions.update(author, id, { tlp: 'AMBER_STRICT', releasableTo: [] } as unknown as SeizureUpdateInput);
              if (step.kind === 'retract') await submissions.retract(author, id, 'generated');
              break;
            }
            case 'read': {
              await notePermissions();
              const page = await feed.page(users[step.by], step.restart ? starts[step.by] : cursors[step.by], 200);
              cursors[step.by] = page.cursor;
              for (const item of page.items) {
                if (!records.includes(item.seizureId)) continue; // another test file's or run's record, visible to this user now
                received += 1;
                expect({ user: step.by, kind: item.kind, permitted: permitted[step.by].has(item.seizureId) }).toEqual({ user: step.by, kind: item.kind, permitted: true });
                if (item.kind === 'UPSERT') shown[step.by].add(item.seizureId);
                else {
                  tombstones += 1;
                  expect({ user: step.by, shownBefore: shown[step.by].has(item.seizureId) }).toEqual({ user: step.by, shownBefore: true });
                }
              }
              break;
            }
          }
          await notePermissions();
        }
      }),
      {
        numRuns: RUNS,
        ...RUN_SEED,
        // Always run one sequence that must end in a tombstone: KY reads a GREEN report, which is then
        // narrowed to AMBER+STRICT for JM alone, and KY reads again.
        examples: [[[
          { kind: 'submit', by: 0, tlp: 'GREEN', releasableTo: [], named: [] },
          { kind: 'read', by: 4, restart: false },
          { kind: 'narrow', record: 0, named: [] },
          { kind: 'read', by: 4, restart: false },
        ]]],
      },
    );
    expect(received).toBeGreaterThan(0);
    expect(tombstones).toBeGreaterThan(0);
  }, 600_000);
});
