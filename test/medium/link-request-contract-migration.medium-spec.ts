import { randomUUID } from 'node:crypto';
import { LinkRequestContract1796200000001 } from '../../migrations/1796200000001-link-request-contract.js';
import { inTransaction, openMediumDatabase, type MediumDatabase } from './support/medium-database.js';

interface Row {
  id: string;
  operation: string;
  seizure: string;
  status: string;
  note: string | null;
  at: string;
}

/**
 * The LinkRequestContract migration's down step on data the earlier schema cannot hold as it is:
 * WITHDRAWN requests (pending again) and, left by the race a request once had with its operation's
 * close, a withdrawn and a pending request (or two withdrawn ones) for one operation and report,
 * where the earlier schema allows one pending request only.
 */
describe('LinkRequestContract migration, down', () => {
  let db: MediumDatabase;

  beforeAll(async () => {
    db = await openMediumDatabase({ migrate: true });
  });
  afterAll(() => db?.close());

  async function insert(rows: Row[]): Promise<void> {
    for (const row of rows) {
      await db.dataSource.query(
        `INSERT INTO seizure_link_requests (id, operation_id, seizure_id, owner_agency, requesting_agency, requested_by, note, status, created_at)
         VALUES ($1, $2, $3, 'KY', 'JIO', $4, $5, $6, $7)`,
        [row.id, row.operation, row.seizure, randomUUID(), row.note, row.status, row.at],
      );
    }
  }

  async function down(): Promise<void> {
    await inTransaction(db, (runner) => new LinkRequestContract1796200000001().down(runner));
  }

  it('keeps one request per operation and report pending, the pending one or else the first asked, and the rest as they were', async () => {
    const [operation, other] = [randomUUID(), randomUUID()];
    const [raced, twice, single, answered] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // Ids sorted against the order of their times, so that keeping the smaller id instead of the first asked shows.
    const ids = Array.from({ length: 9 }, () => randomUUID()).sort().reverse();
    const rows: Row[] = [
      // Withdrawn by the close; asked again meanwhile, and that one left pending.
      { id: ids[0], operation, seizure: raced, status: 'WITHDRAWN', note: 'first', at: '2026-08-01T10:00:00Z' },
      { id: ids[1], operation, seizure: raced, status: 'PENDING', note: null, at: '2026-08-01T10:00:01Z' },
      // Two withdrawn for one report: the first asked is kept.
      { id: ids[2], operation, seizure: twice, status: 'WITHDRAWN', note: 'second', at: '2026-08-02T10:00:01Z' },
      { id: ids[3], operation, seizure: twice, status: 'WITHDRAWN', note: 'first', at: '2026-08-02T10:00:00Z' },
      // The same report in another operation, and a report with one withdrawn request: pending again.
      { id: ids[4], operation: other, seizure: twice, status: 'WITHDRAWN', note: null, at: '2026-08-02T10:00:00Z' },
      { id: ids[5], operation, seizure: single, status: 'WITHDRAWN', note: 'only', at: '2026-08-03T10:00:00Z' },
      // An answered request is left alone; of two withdrawn at the same time, the smaller id is kept.
      { id: ids[6], operation, seizure: answered, status: 'DECLINED', note: 'no', at: '2026-08-04T10:00:00Z' },
      { id: ids[7], operation, seizure: answered, status: 'WITHDRAWN', note: 'tie', at: '2026-08-04T10:00:01Z' },
      { id: ids[8], operation, seizure: answered, status: 'WITHDRAWN', note: 'tie', at: '2026-08-04T10:00:01Z' },
    ];
    await insert(rows);
    await down();
    const after = (await db.dataSource.query('SELECT id, status, note FROM seizure_link_requests')) as { id: string; status: string; note: string }[];
    expect(Object.fromEntries(after.map((row) => [row.id, `${row.status} ${row.note}`]))).toEqual({
      [ids[1]]: 'PENDING ',
      [ids[3]]: 'PENDING first',
      [ids[4]]: 'PENDING ',
      [ids[5]]: 'PENDING only',
      [ids[6]]: 'DECLINED no',
      [ids[8]]: 'PENDING tie',
    });
    // The earlier schema: a note on every request, no answer's note.
    const columns = (await db.dataSource.query("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'seizure_link_requests' AND column_name IN ('note', 'response_note')")) as { column_name: string; is_nullable: string }[];
    expect(columns).toEqual([{ column_name: 'note', is_nullable: 'NO' }]);
  });
});
