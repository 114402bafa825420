import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { FAST_TYPES } from './timestamp-parser.js';

/** Distinct statement texts given a name, per process: each is prepared once per pooled connection. */
const MAX_NAMED_STATEMENTS = 200;

/** The database the statements go to: a PostgreSQL server, or embedded PGlite behind its socket. */
export type StatementDatabase = 'postgres' | 'embedded';

/**
 * The one adapter that sends statements straight to the `pg` pool, past TypeORM's query runner.
 * It is used for the read-only statements of the hottest paths (a page of search results, the API
 * key lookup of every request): TypeORM's query runner (a runner object, connect, release, result
 * wrapping) costs as much of this process's time as the statement itself takes PostgreSQL, and
 * these statements need none of it: no transaction, no entity hydration.
 *
 * The pool is TypeORM's own (one pool, one connection limit, one shutdown): it is taken from the
 * data source's PostgreSQL driver here and nowhere else.
 *
 * On a PostgreSQL server each distinct text becomes a named prepared statement, so a connection
 * parses it once instead of on every request (custom plans are still made per execution while
 * they are cheaper). Embedded PGlite has one session shared by every connection, where two
 * connections preparing the same name would collide: there every statement runs unnamed.
 */
export class ReadStatements {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly prepare: boolean,
  ) {}

  /** Prepared statements only on a PostgreSQL server, and only when the configuration allows them. */
  static over(dataSource: DataSource, database: StatementDatabase, preparedStatements: 'on' | 'off'): ReadStatements {
    return new ReadStatements(dataSource, database === 'postgres' && preparedStatements === 'on');
  }

  /** True when statements are sent as named prepared statements. */
  get prepares(): boolean {
    return this.prepare;
  }

  /** Rows as arrays, in the order of the SELECT list. */
  async rows(text: string, values: unknown[]): Promise<unknown[][]> {
    const result = await poolOf(this.dataSource).query({ text, values, rowMode: 'array', name: this.nameFor(text), types: FAST_TYPES });
    return result.rows;
  }

  /** Rows as objects keyed by column name. */
  async records<T>(text: string, values: unknown[]): Promise<T[]> {
    const result = await poolOf(this.dataSource).query({ text, values, name: this.nameFor(text), types: FAST_TYPES });
    return result.rows as T[];
  }

  private nameFor(text: string): string | undefined {
    if (!this.prepare) return undefined;
    let name = this.names.get(text);
    if (!name && this.names.size < MAX_NAMED_STATEMENTS) {
      // Named by the text itself, so that no two texts share a name in any process (a pooler that
      // handed one process's prepared statement to another would then find it is not theirs).
      name = `windward_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/**
 * TypeORM's `pg` pool of a data source: `PostgresDriver.master` (public, typed `any` by TypeORM).
 * Checked rather than assumed, so that a TypeORM upgrade that moves it fails here with a clear
 * message (and in this adapter's test) instead of as "cannot read properties of undefined".
 */
export function poolOf(dataSource: DataSource): Pool {
  const driver = dataSource.driver;
  if (driver.options.type !== 'postgres') throw new Error(`ReadStatements needs the PostgreSQL driver, not ${driver.options.type}`);
  const pool = (driver as unknown as { master?: Pool }).master;
  if (!dataSource.isInitialized || !pool) throw new Error('The database connection is not open');
  if (typeof pool.query !== 'function' || typeof pool.totalCount !== 'number') throw new Error("TypeORM's PostgreSQL driver no longer holds a pg pool in `master`");
  return pool;
}
