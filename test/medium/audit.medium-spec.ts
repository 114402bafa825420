import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AGENCY_CHAIN_CHECK_1796200000000, placeInAgencyChains1796200000000 } from '../../migrations/1796200000000-agency-audit-chains.js';
import { GENESIS_HASH, auditEventHash } from '../../src/audit/audit-chain.js';
import { AuditAnchorLog } from '../../src/audit/audit-anchor-log.js';
import { AuditEventEntity } from '../../src/audit/audit-event.entity.js';
import { AuditService, type AuditEventInput } from '../../src/audit/audit.service.js';
import { JsonLogger } from '../../src/observability/json-logger.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function event(n: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actor: randomUUID(),
    actorEmail: `elo-${n}@jm.test`,
    agency: 'JM',
    action: 'seizure.read',
    resourceType: 'Seizure',
    resourceId: randomUUID(),
    resourceAgency: 'JM',
    fields: ['narrative', 'persons'],
    details: { n, reason: 'test', nested: { z: 1, a: [true, null, 2.5] } },
    ...overrides,
  };
}

describe('audit chain', () => {
  let platform: TestApp;
  let audit: AuditService;
  let db: DataSource;

  const seqs = async () => ((await db.query('SELECT seq FROM audit_events ORDER BY seq')) as { seq: string }[]).map((r) => Number(r.seq));
  const hashAt = async (seq: number) => ((await db.query('SELECT hash FROM audit_events WHERE seq = $1', [seq])) as { hash: string }[])[0].hash;
  const idAt = async (seq: number) => ((await db.query('SELECT id FROM audit_events WHERE seq = $1', [seq])) as { id: string }[])[0].id;

  beforeAll(async () => {
    platform = await startTestApp();
    audit = platform.server.app.get(AuditService);
    db = platform.server.runtime.dataSource;
  });
  afterAll(() => platform.stop());

  it('keeps the chain gap-free and intact under 50 concurrent appends', async () => {
    const before = (await seqs()).length;
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => audit.appendStandalone(event(i))));
    const stored = await seqs();
    expect(stored).toEqual(Array.from({ length: before + 50 }, (_, i) => i + 1));
    expect(new Set(appended.map((e) => e.seq)).size).toBe(50);
    await expect(audit.verifyChain()).resolves.toEqual({ ok: true, checked: before + 50, firstBrokenId: null, head: expect.objectContaining({ seq: String(before + 50) }), anchorsReached: 0 });
  });

  it('links each event to the real end of the chain when the end this process last wrote is stale', async () => {
    // Another process appending (a second service on the same database), and a rolled-back append.
    const other = new AuditService(db, db.getRepository(AuditEventEntity));
    const before = (await seqs()).length;
    await audit.appendStandalone(event(1));
    await other.appendStandalone(event(2));
    await audit.appendStandalone(event(3));
    await expect(db.transaction(async (manager) => {
      await audit.append(manager, event(4));
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await audit.appendStandalone(event(5));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? audit : other).appendStandalone(event(10 + i))));
    expect(await seqs()).toEqual(Array.from({ length: before + 24 }, (_, i) => i + 1));
    await expect(audit.verifyChain()).resolves.toEqual({ ok: true, checked: before + 24, firstBrokenId: null, head: expect.objectContaining({ seq: String(before + 24) }), anchorsReached: 0 });
  });

  it('stores exactly what it hashed (time to the millisecond, JSON details, upper-case ids)', async () => {
    const resourceId = randomUUID().toUpperCase();
    const appended = await audit.appendStandalone(event(1, { resourceId, actorEmail: null, resourceType: null, fields: [], details: { when: new Date(0), skip: undefined } }));
    expect(appended.resourceId).toBe(resourceId.toLowerCase());
    expect(appended.details).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true });
  });

  it('commits or rolls back with the caller’s transaction, and refuses to run outside one', async () => {
    const before = await seqs();
    await expect(
      db.transaction(async (manager) => {
        await audit.append(manager, event(1));
        throw new Error('the mutation failed');
      }),
    ).rejects.toThrow('the mutation failed');
    expect(await seqs()).toEqual(before);
    await expect(audit.append(db.manager, event(1))).rejects.toThrow(/inside a transaction/);
  });

  describe('finds tampering', () => {
    beforeEach(async () => {
      await db.query('DELETE FROM audit_events');
      for (let i = 1; i <= 10; i++) await audit.appendStandalone(event(i));
      await expect(audit.verifyChain()).resolves.toEqual({ ok: true, checked: 10, firstBrokenId: null, head: { seq: '10', hash: await hashAt(10) }, anchorsReached: 0 });
    });

    it.each([
      ['fields', `UPDATE audit_events SET fields = '{narrative}' WHERE seq = 4`],
      ['agency', `UPDATE audit_events SET agency = 'KY' WHERE seq = 4`],
      ['details', `UPDATE audit_events SET details = details || '{"n": 99}' WHERE seq = 4`],
      ['time', `UPDATE audit_events SET at = at - interval '1 second' WHERE seq = 4`],
      ['time below the millisecond', `UPDATE audit_events SET at = at + interval '1 microsecond' WHERE seq = 4`],
      ['hash', `UPDATE audit_events SET hash = repeat('a', 64) WHERE seq = 4`],
    ])('a modified %s', async (_what, sql) => {
      const id = await idAt(4);
      await db.query(sql);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 4, firstBrokenId: id, firstBrokenSeq: '4', reason: expect.any(String) });
    });

    it("modified content with a recomputed hash (reported there: its agency's chain still holds the old hash)", async () => {
      const stored = await db.getRepository(AuditEventEntity).findOneByOrFail({ seq: '4' });
      const forged = { ...stored, agency: 'KY' };
      await db.query('UPDATE audit_events SET agency = $1, hash = $2 WHERE seq = 4', [forged.agency, auditEventHash(stored.prevHash, forged)]);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 4, firstBrokenId: stored.id, reason: "in JM's chain: the content does not match its hash" });
    });

    it('modified content with both hashes recomputed (reported at the next event, whose links break)', async () => {
      const stored = await db.getRepository(AuditEventEntity).findOneByOrFail({ seq: '4' });
      const forged = { ...stored, agency: 'KY' };
      await db.query('UPDATE audit_events SET agency = $1, hash = $2, agency_hash = $3 WHERE seq = 4', [
        forged.agency, auditEventHash(stored.prevHash, forged), auditEventHash(stored.agencyPrevHash!, { ...forged, seq: stored.agencySeq! }),
      ]);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 5, firstBrokenId: await idAt(5), reason: expect.stringMatching(/prevHash/) });
      await expect(audit.verifyAgencyChain('JM')).resolves.toMatchObject({ ok: false, checked: 5, firstBrokenId: await idAt(5), firstBrokenSeq: '5', reason: expect.stringMatching(/prevHash/) });
    });

    it('a deleted event (reported at the event after the gap)', async () => {
      const id6 = await idAt(6);
      await db.query('DELETE FROM audit_events WHERE seq = 5');
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 5, firstBrokenId: id6, firstBrokenSeq: '6', reason: expect.stringMatching(/missing or out of order/) });
    });

    it('reordered events (two seqs swapped)', async () => {
      const id4 = await idAt(4);
      await db.query('UPDATE audit_events SET seq = -1 WHERE seq = 3');
      await db.query('UPDATE audit_events SET seq = 3 WHERE seq = 4');
      await db.query('UPDATE audit_events SET seq = 4 WHERE seq = -1');
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 3, firstBrokenId: id4, firstBrokenSeq: '3' });
    });

    it('an event inserted into the middle of the chain', async () => {
      // Two steps: shifting a primary key by one in a single statement can collide row by row.
      await db.query('UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 7');
      await db.query('UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000');
      const [previous] = (await db.query('SELECT hash FROM audit_events WHERE seq = 6')) as { hash: string }[];
      const id = randomUUID();
      await db.query(
        `INSERT INTO audit_events (seq, id, at, actor, agency, action, prev_hash, hash) VALUES (7, $1, now(), 'intruder', 'JM', 'seizure.read', $2, $2)`,
        [id, previous.hash],
      );
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 7, firstBrokenId: id, firstBrokenSeq: '7' });
    });

    it('a first event that is deleted', async () => {
      const id2 = await idAt(2);
      await db.query('DELETE FROM audit_events WHERE seq = 1');
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: 1, firstBrokenId: id2 });
    });

    it('events deleted from the end, against an anchor kept before (the chain alone cannot tell)', async () => {
      const anchor = { seq: '8', hash: await hashAt(8) };
      await expect(audit.verifyChain([anchor, { seq: '3', hash: await hashAt(3) }, anchor])).resolves.toMatchObject({ ok: true, checked: 10, anchorsReached: 2 });
      await expect(audit.verifyChain([anchor, { seq: '8', hash: 'f'.repeat(64) }])).rejects.toThrow('Two anchors for seq 8 with different hashes');
      await db.query('DELETE FROM audit_events WHERE seq >= 8');
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 7, head: { seq: '7' } });
      await expect(audit.verifyChain([anchor])).resolves.toEqual({
        ok: false, checked: 7, firstBrokenId: null, firstBrokenSeq: '8', reason: 'the chain ends at seq 7, before the anchor 8: events were deleted from its end',
      });
      await db.query('DELETE FROM audit_events');
      await expect(audit.verifyChain([anchor])).resolves.toMatchObject({ ok: false, firstBrokenSeq: '8', reason: expect.stringMatching(/^the chain is empty, before the anchor 8/) });
    });

    it('a chain rewritten and re-hashed from an anchored event on', async () => {
      const anchor = { seq: '6', hash: await hashAt(6) };
      // Replace events 6 to 10 by a consistent chain of other events, as someone with write access and the code could.
      await db.query('DELETE FROM audit_events WHERE seq >= 6');
      for (let i = 6; i <= 10; i++) await audit.appendStandalone(event(100 + i));
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 10 });
      await expect(audit.verifyChain([anchor])).resolves.toMatchObject({
        ok: false, checked: 6, firstBrokenId: await idAt(6), firstBrokenSeq: '6', reason: expect.stringMatching(/^the hash differs from the anchor 6:/),
      });
    });

    it('logs the end of the chain as an anchor, once each time it moves', async () => {
      const anchors = platform.server.app.get(AuditAnchorLog);
      const logger = platform.server.app.get(JsonLogger);
      const lines: unknown[] = [];
      const spy = jest.spyOn(logger, 'record').mockImplementation((msg, fields) => void lines.push({ msg, fields }));
      try {
        await expect(anchors.logAnchor()).resolves.toEqual({ seq: '10', hash: await hashAt(10) });
        await anchors.logAnchor();
        await audit.appendStandalone(event(11));
        await anchors.logAnchor();
      } finally {
        spy.mockRestore();
      }
      expect(lines).toEqual([
        { msg: 'audit anchor', fields: { anchor: `10:${await hashAt(10)}` } },
        { msg: 'audit anchor', fields: { anchor: `11:${await hashAt(11)}` } },
      ]);
    });
  });
  describe("each agency's own chain", () => {
    const agencyLinks = async () =>
      (await db.query('SELECT seq::text AS seq, agency_seq::text AS agency_seq, agency_prev_hash, agency_hash FROM audit_events ORDER BY seq')) as Record<string, string | null>[];

    beforeEach(() => db.query('DELETE FROM audit_events'));

    it('links the events on each agency\'s records by themselves, through concurrent appends, other writers and rollbacks', async () => {
      const other = new AuditService(db, db.getRepository(AuditEventEntity));
      const agencies = ['JM', 'TT', null, 'JM', 'BS'];
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 3 ? audit : other).appendStandalone(event(i, { resourceAgency: agencies[i % 5] }))));
      await expect(db.transaction(async (manager) => {
        await audit.append(manager, event(99, { resourceAgency: 'TT' }));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      for (let i = 0; i < 8; i++) await (i % 3 ? audit : other).appendStandalone(event(100 + i, { resourceAgency: i % 2 ? 'TT' : 'JM' }));
      await db.transaction((manager) => audit.appendMany(manager, [event(200, { resourceAgency: 'BS' }), event(201, { resourceAgency: null }), event(202, { resourceAgency: 'BS' })]));

      const rows = await db.getRepository(AuditEventEntity).find({ order: { seq: 'ASC' } });
      expect(rows).toHaveLength(41);
      for (const agency of ['JM', 'TT', 'BS']) {
        const own = rows.filter((row) => row.resourceAgency === agency);
        expect(own.map((row) => row.agencySeq)).toEqual(own.map((_row, i) => String(i + 1)));
        let prevHash = GENESIS_HASH;
        for (const row of own) {
          expect(row.agencyPrevHash).toBe(prevHash);
          expect(row.agencyHash).toBe(auditEventHash(prevHash, { ...row, seq: row.agencySeq! }));
          prevHash = row.agencyHash!;
        }
      }
      const unowned = rows.filter((row) => row.resourceAgency === null);
      expect(unowned.length).toBeGreaterThan(0);
      expect(unowned.every((row) => row.agencySeq === null && row.agencyPrevHash === null && row.agencyHash === null)).toBe(true);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 41 });
      const jm = rows.filter((row) => row.resourceAgency === 'JM').length;
      await expect(audit.verifyAgencyChain('JM')).resolves.toEqual({ ok: true, checked: jm, firstBrokenId: null });
      await expect(audit.verifyAgencyChain('KY')).resolves.toEqual({ ok: true, checked: 0, firstBrokenId: null });
    });

    /** A change made behind the application's back, which the CHECK would refuse. */
    const withoutCheck = async (change: () => Promise<unknown>) => {
      await db.query('ALTER TABLE audit_events DROP CONSTRAINT chk_audit_events_agency_chain');
      try {
        await change();
      } finally {
        await db.query(`ALTER TABLE audit_events ADD CONSTRAINT chk_audit_events_agency_chain CHECK (${AGENCY_CHAIN_CHECK_1796200000000}) NOT VALID`);
      }
    };

    it.each([
      ['a modified agency hash', `UPDATE audit_events SET agency_hash = repeat('c', 64) WHERE seq = $1`, /^in JM's chain: the content does not match its hash/, /^the content does not match its hash/],
      ['an event taken out of its agency\'s chain', 'UPDATE audit_events SET agency_seq = NULL, agency_prev_hash = NULL, agency_hash = NULL WHERE seq = $1', /^the event has no place in JM's chain/, /missing or out of order/],
      ['an agency position moved', 'UPDATE audit_events SET agency_seq = agency_seq + 100 WHERE seq = $1', /^in JM's chain: expected seq/, /missing or out of order/],
    ])('finds %s, by both walks', async (_what, sql, platformReason, agencyReason) => {
      for (let i = 0; i < 9; i++) await audit.appendStandalone(event(i, { resourceAgency: i % 3 === 1 ? 'TT' : 'JM' }));
      const [target] = (await db.query("SELECT seq::text AS seq, id, agency_seq::text AS agency_seq FROM audit_events WHERE resource_agency = 'JM' ORDER BY seq OFFSET 3 LIMIT 1")) as { seq: string; id: string; agency_seq: string }[];
      await withoutCheck(() => db.query(sql, [target.seq]));
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, checked: Number(target.seq), firstBrokenId: target.id, firstBrokenSeq: target.seq, reason: expect.stringMatching(platformReason) });
      const agencyWalk = await audit.verifyAgencyChain('JM');
      expect(agencyWalk).toMatchObject({ ok: false, reason: expect.stringMatching(agencyReason) });
      expect(Number(agencyWalk.firstBrokenSeq)).toBeLessThanOrEqual(Number(target.agency_seq) + 100);
      await expect(audit.verifyAgencyChain('TT')).resolves.toMatchObject({ ok: true, checked: 3 });
    });

    it("finds the newest event of an agency's records taken out of its chain, which no gap shows", async () => {
      for (let i = 0; i < 4; i++) await audit.appendStandalone(event(i));
      const [newest] = (await db.query('SELECT seq::text AS seq, id FROM audit_events ORDER BY seq DESC LIMIT 1')) as { seq: string; id: string }[];
      await withoutCheck(() => db.query('UPDATE audit_events SET agency_seq = NULL, agency_prev_hash = NULL, agency_hash = NULL WHERE seq = $1', [newest.seq]));
      await expect(audit.verifyAgencyChain('JM')).resolves.toEqual({ ok: false, checked: 3, firstBrokenId: newest.id, reason: "an event on the agency's records has no place in its chain" });
    });

    it('refuses an event on an agency\'s record written without its place in that chain (a writer of the earlier version)', async () => {
      await audit.appendStandalone(event(1));
      const [end] = (await db.query('SELECT seq::text AS seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
      const old = { ...event(2), seq: String(BigInt(end.seq) + 1n), id: randomUUID(), at: new Date(), actorEmail: null, resourceType: 'Seizure', resourceId: randomUUID(), resourceAgency: 'JM', fields: [], details: {} };
      await expect(db.query(
        `INSERT INTO audit_events (seq, id, at, actor, agency, action, resource_type, resource_id, resource_agency, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [old.seq, old.id, old.at, old.actor, old.agency, old.action, old.resourceType, old.resourceId, old.resourceAgency, end.hash, auditEventHash(end.hash, old)],
      )).rejects.toThrow(/chk_audit_events_agency_chain/);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 1 });
    });

    it('appends single events on several agencies in turn with one statement each, once each agency is known', async () => {
      // chainEnds is read only on the three-statement path, under the lock.
      const lockedPath = jest.spyOn(audit as unknown as { chainEnds: () => Promise<unknown> }, 'chainEnds');
      try {
        for (let i = 0; i < 60; i++) await audit.appendStandalone(event(i, { resourceAgency: ['JM', 'TT', null, 'BS'][i % 4] }));
        expect(lockedPath.mock.calls.length).toBeLessThanOrEqual(4); // the first append, then once for each agency not yet known
      } finally {
        lockedPath.mockRestore();
      }
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 60 });
    });

    /** Every event out of its agency's chain, then placed again by the migration's own code. */
    const placeAgainAsTheMigration = () =>
      withoutCheck(async () => {
        await db.query('UPDATE audit_events SET agency_seq = NULL, agency_prev_hash = NULL, agency_hash = NULL');
        const runner = db.createQueryRunner();
        try {
          await placeInAgencyChains1796200000000(runner);
        } finally {
          await runner.release();
        }
      });

    it("gives an event that did not extend the platform's chain before the upgrade an agency hash that cannot verify", async () => {
      for (let i = 0; i < 8; i++) await audit.appendStandalone(event(i, { resourceAgency: i % 2 ? 'TT' : 'JM' }));
      const [changed] = (await db.query("SELECT seq::text AS seq, id, agency_seq::text AS agency_seq FROM audit_events WHERE resource_agency = 'JM' ORDER BY seq OFFSET 2 LIMIT 1")) as { seq: string; id: string; agency_seq: string }[];
      await db.query("UPDATE audit_events SET fields = '{persons}' WHERE seq = $1", [changed.seq]); // changed before the upgrade
      await placeAgainAsTheMigration();
      await expect(audit.verifyAgencyChain('JM')).resolves.toMatchObject({ ok: false, firstBrokenId: changed.id, firstBrokenSeq: changed.agency_seq, reason: 'the content does not match its hash' });
      await expect(audit.verifyAgencyChain('TT')).resolves.toMatchObject({ ok: true, checked: 4 });
    });

    it("places existing events in their agencies' chains exactly as appending does (the migration's own copy of the hash)", async () => {
      for (let i = 0; i < 12; i++) {
        await audit.appendStandalone(event(i, {
          resourceAgency: [null, 'JM', 'TT'][i % 3],
          actorEmail: i % 2 ? null : `élo-${i}@jm.test`,
          details: { i, 'ü': 'ẞ', big: 1e21, small: 0.000001, list: [{ b: 2, a: 1 }, '\u2028'], none: null },
        }));
      }
      const appended = await agencyLinks();
      await placeAgainAsTheMigration();
      expect(await agencyLinks()).toEqual(appended);
      await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, checked: 12 });
    });
  });
});
