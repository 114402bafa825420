import type { TestPlatform } from './test-platform.js';

/** Every statement the server sends through TypeORM while `run` runs, with its parameters. */
export async function statementsDuring(platform: TestPlatform, run: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }[]> {
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

/** The parameters of the SELECTs from `table` that name one of `ids`, whatever else the server read meanwhile. */
export function selectsNaming(statements: { sql: string; params: unknown[] }[], table: string, ids: string[]): unknown[][] {
  const from = new RegExp(`\\bFROM (?:"\\w+"\\.)?"${table}"`); // TypeORM names the schema
  return statements
    .filter(({ sql, params }) => /^\s*SELECT\b/i.test(sql) && from.test(sql) && params.some((value) => ids.includes(String(value))))
    .map(({ params }) => params);
}
