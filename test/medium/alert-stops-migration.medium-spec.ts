import { randomUUID } from 'node:crypto';
import { AlertStops1796300000000 } from '../../migrations/1796300000000-alert-stops.js';
import { inTransaction, openMediumDatabase, type MediumDatabase } from './support/medium-database.js';

/**
 * The AlertStops migration on alerts stopped before it: each is dated and its stopper named from the
 * audit event that stopped it, the one its stop wrote in the same transaction.
 */
describe('AlertStops migration, up', () => {
  let db: MediumDatabase;
  let seq = 9_000_000_000;

  beforeAll(async () => {
    db = await openMediumDatabase({ migrate: true });
  });
  afterAll(() => db?.close());

  async function alert(agency: string, active: boolean): Promise<{ id: string; owner: string }> {
    const [id, owner] = [randomUUID(), randomUUID()];
    await db.dataSource.query(
      "INSERT INTO alerts (id, user_id, agency_code, name, filter, active) VALUES ($1, $2, $3, 'old', '{}', $4)",
      [id, owner, agency, active],
    );
    return { id, owner };
  }

  async function event(resourceId: string, action: string, actor: string, agency: string, at: string): Promise<void> {
    seq += 1;
    await db.dataSource.query(
      `INSERT INTO audit_events (seq, id, at, actor, agency, action, resource_type, resource_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, 'Alert', $7, $8, $8)`,
      [String(seq), randomUUID(), at, actor, agency, action, resourceId, '0'.repeat(64)],
    );
  }

  async function rerun(): Promise<void> {
    const migration = new AlertStops1796300000000();
    await inTransaction(db, async (runner) => {
      await migration.down(runner);
      await migration.up(runner);
    });
  }

  it('dates each stopped alert by its stop event and names the kind of actor, never touching active ones', async () => {
    const deleted = await alert('KY', false);
    await event(deleted.id, 'alert.create', deleted.owner, 'KY', '2026-09-01T10:00:00Z');
    await event(deleted.id, 'alert.delete', deleted.owner, 'KY', '2026-09-02T10:00:00Z');
    const selfStopped = await alert('KY', false);
    await event(selfStopped.id, 'alert.stop', selfStopped.owner, 'KY', '2026-09-03T10:00:00Z');
    const byAgency = await alert('KY', false);
    await event(byAgency.id, 'alert.stop', randomUUID(), 'KY', '2026-09-04T10:00:00Z');
    const byPlatform = await alert('KY', false);
    await event(byPlatform.id, 'alert.stop', randomUUID(), 'WCO', '2026-09-05T10:00:00Z');
    const active = await alert('KY', true);
    await event(active.id, 'alert.create', active.owner, 'KY', '2026-09-06T10:00:00Z');
    const unrecorded = await alert('KY', false);

    await rerun();

    const rows = (await db.dataSource.query(
      'SELECT id, stopped_at, stopped_by FROM alerts WHERE id = ANY($1)',
      [[deleted.id, selfStopped.id, byAgency.id, byPlatform.id, active.id, unrecorded.id]],
    )) as { id: string; stopped_at: Date | null; stopped_by: string | null }[];
    const got = Object.fromEntries(rows.map((row) => [row.id, [row.stopped_at?.toISOString() ?? null, row.stopped_by]]));
    expect(got).toEqual({
      [deleted.id]: ['2026-09-02T10:00:00.000Z', 'OWNER'],
      [selfStopped.id]: ['2026-09-03T10:00:00.000Z', 'OWNER'],
      [byAgency.id]: ['2026-09-04T10:00:00.000Z', 'AGENCY_ADMINISTRATOR'],
      [byPlatform.id]: ['2026-09-05T10:00:00.000Z', 'PLATFORM_ADMINISTRATOR'],
      [active.id]: [null, null],
      [unrecorded.id]: [null, null],
    });
  });
});
