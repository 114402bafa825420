/**
 * Writes schema.graphql from the running code: boots the platform on a throwaway embedded
 * database and prints the schema the server actually serves, as Federation 2 subgraph SDL (with
 * @link, @key and @shareable: what a partner's composition takes, i.e. `_service { sdl }`). `--check` exits 1 when the
 * committed file differs (CI runs it).
 *   node dist/src/graphql/print-schema.js [--check]
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema } from 'graphql';
import { startServer } from '../app/server.js';
import { configDir, loadConfig } from '../config/app-config.js';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-schema-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
  const server = await startServer(config, { worker: false });
  try {
    // Sorted, so that the committed file diffs by content rather than by module load order.
    const sdl = `${printSubgraphSchema(lexicographicSortSchema(server.app.get(GraphQLSchemaHost).schema))}\n`;
    const file = path.join(path.dirname(configDir()), 'schema.graphql');
    if (check) {
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (committed !== sdl) {
        process.stderr.write('schema.graphql is stale: run `npm run schema` and commit it\n');
        return 1;
      }
      process.stdout.write('schema.graphql is up to date\n');
      return 0;
    }
    writeFileSync(file, sdl);
    process.stdout.write(`wrote ${file}\n`);
    return 0;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`print-schema: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
