/**
 * Developer tools for migrations, run from a build:
 *   node dist/src/database/migration-tools.js check          exit 1 when entities and migrations differ
 *   node dist/src/database/migration-tools.js generate Name  write migrations/<time>-Name.ts
 * Both use DATABASE_URL (or the embedded database) after applying the existing migrations.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { configDir, loadConfig } from '../config/app-config.js';
import { openDatabaseConnection } from './database-connection.js';
import { createDataSource, runMigrations } from './data-source.js';
import { schemaDrift } from './schema-drift.js';

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

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  if (command !== 'check' && !(command === 'generate' && name && /^[A-Z][A-Za-z0-9]+$/.test(name))) {
    process.stderr.write('usage: migration-tools check | generate PascalCaseName\n');
    return 2;
  }
  const config = loadConfig();
  const connection = await openDatabaseConnection(config);
  const dataSource = createDataSource(connection, 2);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const drift = await schemaDrift(dataSource);
    if (command === 'check') {
      if (drift.up.length === 0) {
        process.stdout.write('migrations match the entities\n');
        return 0;
      }
      process.stderr.write(`a generated migration would not be empty:\n${drift.up.join(';\n')}\n`);
      return 1;
    }
    if (drift.up.length === 0) {
      process.stdout.write('nothing to generate: migrations match the entities\n');
      return 0;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const file = path.join(path.dirname(configDir()), 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(file, migrationSource(className, drift.up, drift.down));
    process.stdout.write(`wrote ${file}; add ${className} to migrations/index.ts\n`);
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migration-tools: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
