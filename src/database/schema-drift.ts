import type { DataSource, QueryRunner } from 'typeorm';

export interface SchemaDrift {
  up: string[];
  down: string[];
}

/**
 * TypeORM reads table definitions with several queries at once on one connection (Promise.all in
 * PostgresQueryRunner.loadTables), which pg deprecates ("client.query() when the client is already
 * executing a query"). This runner sends them one after the other.
 */
function oneQueryAtATime(runner: QueryRunner): QueryRunner {
  const query = runner.query.bind(runner);
  let previous: Promise<unknown> = Promise.resolve();
  runner.query = ((...args: Parameters<QueryRunner['query']>) => {
    const next = previous.then(() => query(...args));
    previous = next.catch(() => undefined);
    return next;
  }) as QueryRunner['query'];
  return runner;
}

/** The SQL TypeORM would run to make the migrated database match the entities (empty when in sync). */
export async function schemaDrift(dataSource: DataSource): Promise<SchemaDrift> {
  const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
  dataSource.createQueryRunner = (mode) => oneQueryAtATime(createQueryRunner(mode));
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query).reverse(),
    };
  } finally {
    dataSource.createQueryRunner = createQueryRunner;
  }
}
