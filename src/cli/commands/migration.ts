import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { appDataSource, applyMigrations } from '../../app/platform-runtime.js';
import { configDir, loadConfig } from '../../config/app-config.js';
import { openDatabaseConnection } from '../../database/database-connection.js';
import { schemaDrift } from '../../database/schema-drift.js';
import { commandDatabase } from '../command-database.js';
import type { Print } from '../print.js';

/*
 * `windward migrate`, and the developer tools `windward migration check | generate <Name>`. All use
 * DATABASE_URL (or the embedded database) and apply the existing migrations first.
 */


/** Opens the configured database with the app's entities and migrations, runs `work`, closes it. */
async function withDataSource<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const database = commandDatabase();
  const connection = await openDatabaseConnection(loadConfig(), database.embedded);
  const dataSource = appDataSource(connection, 2);
  try {
    await dataSource.initialize();
    const result = await work(dataSource);
    database.done();
    return result;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await connection.close();
  }
}

/** `windward migrate`: applies pending migrations. */
export async function migrate(print: Print): Promise<number> {
  return withDataSource(async (dataSource) => {
    const applied = await applyMigrations(dataSource);
    print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  });
}

/** `windward migration check`: exit 1 when a generated migration would not be empty (CI runs it). */
export async function migrationCheck(print: Print): Promise<number> {
  return withDataSource(async (dataSource) => {
    await applyMigrations(dataSource);
    const drift = await schemaDrift(dataSource);
    if (drift.up.length === 0) {
      print('migrations match the entities');
      return 0;
    }
    process.stderr.write(`a generated migration would not be empty:\n${drift.up.join(';\n')}\n`);
    return 1;
  });
}

function migrationSource(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]) => queries.map((q) => `    await runner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(runner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(runner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

/** `windward migration generate <Name>`: writes migrations/<time>-<Name>.ts from the entities' drift. */
export async function migrationGenerate(name: string, print: Print): Promise<number> {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    process.stderr.write('windward: the migration name must be PascalCase, e.g. AddAlertIndex\n');
    return 2;
  }
  return withDataSource(async (dataSource) => {
    await applyMigrations(dataSource);
    const drift = await schemaDrift(dataSource);
    if (drift.up.length === 0) {
      print('nothing to generate: migrations match the entities');
      return 0;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const file = path.join(path.dirname(configDir()), 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(file, migrationSource(className, drift.up, drift.down));
    print(`wrote ${file}; add ${className} to migrations/index.ts`);
    return 0;
  });
}
