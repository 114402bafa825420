import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema } from 'graphql';
import { startServer } from '../../app/server.js';
import { configDir, loadConfig } from '../../config/app-config.js';

/**
 * Boots the platform on a throwaway embedded database and returns the schema the server actually
 * serves, as Federation 2 subgraph SDL (with @link, @key and @shareable: what a partner's
 * composition takes, i.e. `_service { sdl }`), sorted so that the file diffs by content.
 */
async function servedSchema(): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-schema-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' });
  const server = await startServer(config, { worker: false });
  try {
    return `${printSubgraphSchema(lexicographicSortSchema(server.app.get(GraphQLSchemaHost).schema))}\n`;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function schemaFile(): string {
  return path.join(path.dirname(configDir()), 'schema.graphql');
}

/** `windward schema print`: writes schema.graphql from the running code. */
export async function schemaPrint(print: (line: string) => void): Promise<number> {
  const file = schemaFile();
  writeFileSync(file, await servedSchema());
  print(`wrote ${file}`);
  return 0;
}

/** `windward schema check`: exit 1 when the committed schema.graphql differs (CI runs it). */
export async function schemaCheck(print: (line: string) => void): Promise<number> {
  const file = schemaFile();
  const sdl = await servedSchema();
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (committed !== sdl) {
    process.stderr.write('schema.graphql is stale: run `npm run schema` and commit it\n');
    return 1;
  }
  print('schema.graphql is up to date');
  return 0;
}
