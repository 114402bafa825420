import type { DataSource } from 'typeorm';

/** A test's running Windward (TestPlatform over HTTP, or TestApp without): its data source is what is watched. */
interface WithDataSource {
  server: { runtime: { dataSource: DataSource } };
}

/** Every statement the server sends through TypeORM while `run` runs, with its parameters. */
export async function statementsDuring(platform: WithDataSource, run: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }[]> {
  const { dataSource } = platform.server.runtime;
  const original = dataSource.logger;
  const sent: { sql: string; params: unknown[] }[] = [];
  const recording = Object.create(original) as typeof original;
  recording.logQuery = (query, parameters, runner) => {
    sent.push({ sql: query, params: Array.isArray(parameters) ? parameters : [] });
    return original.logQuery(query, parameters, runner);
  };
  dataSource.logger = recording;
  try {
    await run();
  } finally {
    dataSource.logger = original;
  }
  return sent;
}

/** What `run` returns, and how many of the statements sent while it ran name `table`. */
export async function statementsOn<T>(platform: WithDataSource, table: string, run: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let result!: T;
  const sent = await statementsDuring(platform, async () => {
    result = await run();
  });
  return { result, statements: sent.filter(({ sql }) => sql.includes(table)).length };
}

/** The parameters of the SELECTs from `table` that name one of `ids`, whatever else the server read meanwhile. */
export function selectsNaming(statements: { sql: string; params: unknown[] }[], table: string, ids: string[]): unknown[][] {
  const from = new RegExp(`\\bFROM (?:"\\w+"\\.)?"${table}"`); // TypeORM names the schema
  return statements
    .filter(({ sql, params }) => /^\s*SELECT\b/i.test(sql) && from.test(sql) && params.some((value) => ids.includes(String(value))))
    .map(({ params }) => params);
}
