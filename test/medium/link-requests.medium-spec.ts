import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../../src/access/request-context.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { DomainError } from '../../src/errors/domain-error.js';
import { OperationsService } from '../../src/operations/operations.service.js';
import { SeizureLinkRequestsService } from '../../src/operations/seizure-link-requests.service.js';
import type { SeizureInput } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { SeizureSubmissionService } from '../../src/seizures/write/seizure-submission.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

/** The link request services on a real database: answers racing the operation's close, and the notes' text. */
describe('link requests', () => {
  let platform: TestApp;
  let dataSource: DataSource;
  let operations: OperationsService;
  let requests: SeizureLinkRequestsService;
  let submissions: SeizureSubmissionService;
  let audit: AuditService;
  let lead: RequestContext;
  let owner: RequestContext;
  /** Another ELO of the owner agency. */
  let colleague: RequestContext;
  let serial = 0;

  beforeAll(async () => {
    platform = await startTestApp();
    dataSource = platform.server.runtime.dataSource;
    operations = platform.server.app.get(OperationsService, { strict: false });
    requests = platform.server.app.get(SeizureLinkRequestsService, { strict: false });
    submissions = platform.server.app.get(SeizureSubmissionService, { strict: false });
    audit = platform.server.app.get(AuditService, { strict: false });
    const contexts = platform.server.app.get<RequestContextFactory>(REQUEST_CONTEXT_FACTORY);
    lead = (await contexts.forUser((await platform.userWithKey('JIO', ['ANALYST'])).userId, 'link-requests'))!;
    owner = (await contexts.forUser((await platform.userWithKey('KY', ['ELO'])).userId, 'link-requests'))!;
    colleague = (await contexts.forUser((await platform.userWithKey('KY', ['ELO'])).userId, 'link-requests'))!;
  });
  afterAll(() => platform?.stop());

  /** An active operation of the JIO with KY as participant, and a KY report the JIO may read. */
  async function operationAndReport(): Promise<{ operationId: string; seizureId: string }> {
    serial += 1;
    const marker = `${randomBytes(3).toString('hex').toUpperCase()} ${serial}`;
    const operation = await operations.create(lead, {
      codeName: `LINKS ${marker}`, focus: 'link requests', tlp: 'AMBER', participants: ['KY'],
      startsAt: new Date('2026-08-03T00:00:00Z'), endsAt: new Date('2026-09-14T00:00:00Z'),
    });
    await operations.setStatus(lead, operation.id, 'ACTIVE');
    const seizure = await submissions.submit(owner, {
      reference: `KY-LINKS-${marker.replace(' ', '-')}`, tlp: 'GREEN', releasableTo: [], seizedAt: new Date(Date.UTC(2026, 7, 10)), country: 'KY', transportMode: 'SEA',
      commodity: { category: 'FIREARMS' }, quantity: { value: serial, unit: 'ITEMS' }, detectionMethod: 'RANDOM', serverBlind: false,
    } as unknown as SeizureInput);
    return { operationId: operation.id, seizureId: seizure.id };
  }

  /** The lead asked for the report, which KY then linked itself. */
  async function pendingRequestForALinkedReport(): Promise<{ operationId: string; seizureId: string; requestId: string }> {
    const { operationId, seizureId } = await operationAndReport();
    const request = await requests.request(lead, operationId, seizureId, 'for the operation');
    await operations.link(owner, operationId, seizureId);
    return { operationId, seizureId, requestId: request.id };
  }

  const accept = (requestId: string) => requests.respond(owner, requestId, 'ACCEPT', 'agreed');
  const close = (operationId: string) => operations.setStatus(lead, operationId, 'CLOSED');

  /** How the request, the report's link and the operation stand now. */
  async function state(ids: { operationId: string; seizureId: string; requestId: string }) {
    const [request] = (await dataSource.query('SELECT status, response_note FROM seizure_link_requests WHERE id = $1', [ids.requestId])) as { status: string; response_note: string | null }[];
    const seizure = await dataSource.getRepository(SeizureEntity).findOneByOrFail({ id: ids.seizureId });
    const [operation] = (await dataSource.query('SELECT status FROM operations WHERE id = $1', [ids.operationId])) as { status: string }[];
    return { request: request.status, responseNote: request.response_note, basis: seizure.operationLinkBasis, linkRequest: seizure.operationLinkRequestId, operation: operation.status };
  }

  /**
   * The owner accepts a link request for a report it has meanwhile linked itself, while the lead
   * closes the operation. Whichever comes first, both finish with a clear outcome: accepted, then
   * closed; or closed, and the answer refused because it is. Once, this deadlocked: the accept
   * held the audit chain's lock and waited for the request's row, which the close had just marked
   * WITHDRAWN before waiting for the audit chain's lock.
   */
  describe('answering while the operation closes', () => {
    /** The two clear outcomes: accepted then closed, or closed and the answer refused as such. */
    async function expectClearOutcome(ids: { operationId: string; seizureId: string; requestId: string }, accepted: PromiseSettledResult<unknown>, closed: PromiseSettledResult<unknown>) {
      expect(closed).toMatchObject({ status: 'fulfilled', value: { status: 'CLOSED' } });
      if (accepted.status === 'fulfilled') {
        expect(accepted.value).toMatchObject({ status: 'ACCEPTED', responseNote: 'agreed' });
        expect(await state(ids)).toEqual({ request: 'ACCEPTED', responseNote: 'agreed', basis: 'OWNER_ACCEPTED_REQUEST', linkRequest: ids.requestId, operation: 'CLOSED' });
      } else {
        expect(accepted.reason).toBeInstanceOf(DomainError);
        expect(accepted.reason).toMatchObject({ code: 'CONFLICT', message: 'The operation is closed' });
        // Nothing of the answer was written: the report keeps the owner's own link.
        expect(await state(ids)).toEqual({ request: 'WITHDRAWN', responseNote: null, basis: 'OWNER_LINKED', linkRequest: null, operation: 'CLOSED' });
      }
      return accepted.status === 'fulfilled' ? 'accepted, then closed' : 'closed, answer refused';
    }

    it('ends clearly whichever of the two starts first', async () => {
      for (const acceptFirst of [true, false, true, false]) {
        const ids = await pendingRequestForALinkedReport();
        const [first, second] = acceptFirst ? [accept(ids.requestId), close(ids.operationId)] : [close(ids.operationId), accept(ids.requestId)];
        const [a, b] = await Promise.allSettled([first, second]);
        await expectClearOutcome(ids, acceptFirst ? a : b, acceptFirst ? b : a);
      }
    });

    // Forcing the interleaving needs sessions that wait for each other's locks: PGlite has one session.
    const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
    onPostgres('with the interleaving forced', () => {
      /**
       * Holds the audit chain's lock (by appending in a transaction left open) until released, so
       * that each side stops at its own audit append, after the locks it takes before it.
       */
      async function holdAuditChain(): Promise<() => Promise<void>> {
        const runner = dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        await audit.append(runner.manager, {
          actor: randomUUID(), actorEmail: null, agency: 'JIO', action: 'test.hold-chain', resourceType: 'Test', resourceId: randomUUID(), resourceAgency: null, fields: [], details: {},
        });
        return async () => {
          await runner.rollbackTransaction();
          await runner.release();
        };
      }

      /** Until `count` sessions of this database wait for a lock. */
      const waiting = (count: number) =>
        waitFor(`${count} sessions waiting for a lock`, async () => {
          const [row] = (await dataSource.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) as { n: number }[];
          return row.n >= count;
        }, 10_000);

      /**
       * Starts `first`, lets it stop at the audit chain (having taken every lock it takes before),
       * then starts `second` and lets it stop too, at the audit chain or at a lock `first` holds;
       * then lets both go on.
       */
      async function inTurn(first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<[PromiseSettledResult<unknown>, PromiseSettledResult<unknown>]> {
        const release = await holdAuditChain();
        const started: Promise<unknown>[] = [];
        try {
          for (const [i, start] of [first, second].entries()) {
            const running = start();
            running.catch(() => undefined); // settled below
            started.push(running);
            await waiting(i + 1);
          }
        } finally {
          await release();
        }
        const [a, b] = await Promise.allSettled(started);
        return [a, b];
      }

      it('accepts, then closes, when the accept reaches the audit chain first', async () => {
        const ids = await pendingRequestForALinkedReport();
        const [accepted, closed] = await inTurn(() => accept(ids.requestId), () => close(ids.operationId));
        expect(await expectClearOutcome(ids, accepted, closed)).toBe('accepted, then closed');
      });

      it('closes, then refuses the answer as closed, when the close reaches the audit chain first', async () => {
        const ids = await pendingRequestForALinkedReport();
        const [closed, accepted] = await inTurn(() => close(ids.operationId), () => accept(ids.requestId));
        expect(await expectClearOutcome(ids, accepted, closed)).toBe('closed, answer refused');
      });

      it("refuses the owner's own link, and links nothing, when the close comes first", async () => {
        const { operationId, seizureId } = await operationAndReport();
        const [closed, linked] = await inTurn(() => close(operationId), () => operations.link(owner, operationId, seizureId));
        expect(closed).toMatchObject({ status: 'fulfilled', value: { status: 'CLOSED' } });
        expect(linked).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'The operation is closed' } });
        const seizure = await dataSource.getRepository(SeizureEntity).findOneByOrFail({ id: seizureId });
        expect(seizure).toMatchObject({ operationId: null, operationLinkBasis: null, version: 1 });
      });

      it('refuses a report submitted into the operation, and stores nothing, when the close comes first', async () => {
        const { operationId } = await operationAndReport();
        const reference = `KY-LATE-${randomBytes(4).toString('hex')}`;
        const submit = () => submissions.submit(owner, {
          reference, tlp: 'GREEN', releasableTo: [], seizedAt: new Date(Date.UTC(2026, 7, 11)), country: 'KY', transportMode: 'AIR',
          commodity: { category: 'FIREARMS' }, quantity: { value: 1, unit: 'ITEMS' }, detectionMethod: 'RANDOM', serverBlind: false, operationId,
        } as unknown as SeizureInput);
        const [closed, submitted] = await inTurn(() => close(operationId), submit);
        expect(closed).toMatchObject({ status: 'fulfilled', value: { status: 'CLOSED' } });
        expect(submitted).toMatchObject({ status: 'rejected', reason: { code: 'BAD_USER_INPUT', details: { fields: ['operationId'] } } });
        expect(await dataSource.getRepository(SeizureEntity).countBy({ reference })).toBe(0);
      });

      it('refuses a link made for the participants of before, when one is added meanwhile', async () => {
        const { operationId, seizureId } = await operationAndReport();
        const [added, linked] = await inTurn(() => operations.addParticipants(lead, operationId, ['TT']), () => operations.link(owner, operationId, seizureId));
        expect(added).toMatchObject({ status: 'fulfilled', value: { participants: ['JIO', 'KY', 'TT'] } });
        expect(linked).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: "The operation's participants changed meanwhile; try again" } });
        // Asked again, the link is made for the participants of now.
        const again = await operations.link(owner, operationId, seizureId);
        expect([...(again.operationAudience ?? [])].sort()).toEqual(['JIO', 'KY', 'TT']);
      });

      it('accepts, and refuses a colleague’s decline as answered, when the accept reaches the audit chain first', async () => {
        const ids = await pendingRequestForALinkedReport();
        const [accepted, declined] = await inTurn(() => accept(ids.requestId), () => requests.respond(colleague, ids.requestId, 'DECLINE', 'no'));
        expect(accepted).toMatchObject({ status: 'fulfilled', value: { status: 'ACCEPTED', responseNote: 'agreed' } });
        expect(declined).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: 'This request was answered meanwhile' } });
        expect(await state(ids)).toEqual({ request: 'ACCEPTED', responseNote: 'agreed', basis: 'OWNER_ACCEPTED_REQUEST', linkRequest: ids.requestId, operation: 'ACTIVE' });
      });
    });
  });

  describe('notes', () => {
    /** Every request about the report, and the audit events about requests of it. */
    async function written(seizureId: string) {
      const rows = (await dataSource.query('SELECT status, note, response_note FROM seizure_link_requests WHERE seizure_id = $1', [seizureId])) as { status: string; note: string | null; response_note: string | null }[];
      const [events] = (await dataSource.query("SELECT count(*)::int AS n FROM audit_events WHERE resource_type = 'SeizureLinkRequest' AND details->>'seizureId' = $1", [seizureId])) as { n: number }[];
      return { rows, events: events.n };
    }

    it('keeps line breaks and tabs, trimmed', async () => {
      const { operationId, seizureId } = await operationAndReport();
      const asked = await requests.request(lead, operationId, seizureId, '  Seen at Kingston:\r\n\tsame container  ');
      expect(asked.note).toBe('Seen at Kingston:\n\tsame container');
      const answered = await requests.respond(owner, asked.id, 'DECLINE', ' Not ours:\r\n\tsee JM ');
      expect(answered).toMatchObject({ status: 'DECLINED', responseNote: 'Not ours:\n\tsee JM' });
    });

    it('refuses a request whose note holds a control character, and writes nothing', async () => {
      const { operationId, seizureId } = await operationAndReport();
      for (const note of ['look\u0000here', 'escape \u001b[31m red', 'bell\u0007', 'delete\u007f']) {
        await expect(requests.request(lead, operationId, seizureId, note)).rejects.toMatchObject({
          code: 'BAD_USER_INPUT', message: 'note: control characters are not allowed', details: { fields: ['note'] },
        });
      }
      expect(await written(seizureId)).toEqual({ rows: [], events: 0 });
    });

    it('refuses an answer whose note holds a control character, and writes nothing', async () => {
      const { operationId, seizureId } = await operationAndReport();
      const asked = await requests.request(lead, operationId, seizureId, null);
      const before = await written(seizureId);
      for (const decision of ['ACCEPT', 'DECLINE'] as const) {
        await expect(requests.respond(owner, asked.id, decision, 'agreed\u0008 after all')).rejects.toMatchObject({
          code: 'BAD_USER_INPUT', message: 'note: control characters are not allowed', details: { fields: ['note'] },
        });
      }
      expect(await written(seizureId)).toEqual(before);
      expect(before.rows).toEqual([{ status: 'PENDING', note: null, response_note: null }]);
      const seizure = await dataSource.getRepository(SeizureEntity).findOneByOrFail({ id: seizureId });
      expect(seizure).toMatchObject({ operationId: null, operationLinkBasis: null, version: 1 });
    });
  });
});
