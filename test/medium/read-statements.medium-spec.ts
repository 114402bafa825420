import { ReadStatements, poolOf } from '../../src/database/read-statements.js';
import { openMediumDatabase, type MediumDatabase } from './support/medium-database.js';

/**
 * The adapter that sends statements straight to TypeORM's pg pool, on the database CI gives
 * (PostgreSQL, or embedded PGlite when DATABASE_URL is unset): both must answer every statement
 * with its own values, and only a PostgreSQL server may see named prepared statements (PGlite's one
 * shared session would see two connections prepare the same name).
 */
describe('ReadStatements (the statement adapter)', () => {
  let db: MediumDatabase;
  let reads: ReadStatements;

  beforeAll(async () => {
    // One connection: what one statement prepared, the next one sees.
    db = await openMediumDatabase({ poolSize: 1 });
    reads = ReadStatements.over(db.dataSource, db.kind, 'on');
  });
  afterAll(() => db.close());

  it('prepares statements on a PostgreSQL server only', async () => {
    expect(reads.prepares).toBe(db.kind === 'postgres');
    expect(ReadStatements.over(db.dataSource, 'postgres', 'off').prepares).toBe(false);
    expect(ReadStatements.over(db.dataSource, 'embedded', 'on').prepares).toBe(false);
    await reads.rows('SELECT $1::int AS prepared_probe', [1]);
    const names = (await reads.records<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements', [])).filter((row) =>
      row.statement.includes('prepared_probe'),
    );
    expect(names.map((row) => /^windward_[0-9a-f]{40}$/.test(row.name))).toEqual(db.kind === 'postgres' ? [true] : []);
  });

  it('answers each text with its own values, past the number of named statements, concurrently', async () => {
    const texts = Array.from({ length: 230 }, (_, i) => `SELECT $1::int + ${i} AS n, $2::text AS t`);
    for (let round = 0; round < 2; round += 1) {
      const answers = await Promise.all(texts.map((text, i) => reads.rows(text, [round, `r${round}-${i}`])));
      answers.forEach((rows, i) => expect(rows).toEqual([[round + i, `r${round}-${i}`]]));
    }
  });

  it('reads records by column name, timestamps as dates', async () => {
    const rows = await reads.records<{ at: Date; n: number }>("SELECT '2026-03-05 12:34:56.123+00'::timestamptz AS at, 2::int AS n", []);
    expect(rows).toEqual([{ at: new Date('2026-03-05T12:34:56.123Z'), n: 2 }]);
  });

  it("uses TypeORM's own pool, and refuses once the data source is closed", async () => {
    const pool = poolOf(db.dataSource);
    await Promise.all(Array.from({ length: 10 }, () => reads.rows('SELECT pg_sleep(0.01)', [])));
    expect(pool.totalCount).toBeLessThanOrEqual(1);
    // TypeORM works as before on the same pool.
    expect(await db.dataSource.query('SELECT 41 + 1 AS n')).toEqual([{ n: 42 }]);
    const closed = await openMediumDatabase({ poolSize: 1 });
    const closedReads = ReadStatements.over(closed.dataSource, closed.kind, 'on');
    await closed.dataSource.destroy();
    await expect(closedReads.rows('SELECT 1', [])).rejects.toThrow('The database connection is not open');
    await closed.close();
  });
});
