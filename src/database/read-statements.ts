import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { FAST_TYPES } from './timestamp-parser.js';

/** Distinct statement texts given a name, per process: each is prepared once per pooled connection. */
const MAX_NAMED_STATEMENTS = 200;

/**
 * Runs the read-only statements of the hottest paths (a page of search results, the API key
 * lookup of every request) straight on the driver's connection pool. TypeORM's query runner (a runner object, connect,
 * release, result wrapping) costs as much of this process's time as the statement itself takes
 * PostgreSQL; these statements need none of it: no transaction, no entity hydration.
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

  /** Rows as arrays, in the order of the SELECT list. */
  async rows(text: string, values: unknown[]): Promise<unknown[][]> {
    const result = await this.pool().query({ text, values, rowMode: 'array', name: this.nameFor(text), types: FAST_TYPES });
    return result.rows;
  }

  /** Rows as objects keyed by column name. */
  async records<T>(text: string, values: unknown[]): Promise<T[]> {
    const result = await this.pool().query({ text, values, name: this.nameFor(text), types: FAST_TYPES });
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

  private pool(): Pool {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error('The database connection is not open');
    return pool;
  }
}
