import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../src/app/server.js';
import { AuditService } from '../src/audit/audit.service.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { testConfig } from './support/test-platform.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const SLOW = 180_000;

/** Runs `windward audit verify` as an operator would, against the test database. */
function auditVerify(database: TestDatabase): Promise<{ code: number; stdout: string; stderr: string }> {
  const { NODE_OPTIONS: _jestOptions, DATABASE_URL: _base, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'audit', 'verify'],
      { cwd: ROOT, timeout: SLOW - 10_000, env: { ...inherited, REDIS_PREFIX: `windward-cli-${randomBytes(4).toString('hex')}`, ...database.env, NODE_ENV: 'test', LOG_LEVEL: 'error' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('windward audit verify', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the CLI tests`);
    database = await createTestDatabase();
    // A running server (with the embedded database, the CLI reaches it through its socket).
    server = await startServer(testConfig(database), { worker: false });
  }, SLOW);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('exits 0 on an intact chain, saying how many events it checked', async () => {
    const audit = server.app.get(AuditService);
    for (let i = 0; i < 5; i++) await audit.appendStandalone({ actor: randomUUID(), agency: 'JM', action: 'seizure.read', resourceId: randomUUID(), resourceAgency: 'JM', fields: ['narrative'] });
    const [{ count }] = (await server.runtime.dataSource.query('SELECT count(*)::int AS count FROM audit_events')) as { count: number }[];
    const result = await auditVerify(database);
    expect(result).toMatchObject({ code: 0, stdout: `ok: ${count} events checked\n` });
  }, SLOW);

  it('exits 1 with the first broken event after tampering', async () => {
    const [{ id, seq }] = (await server.runtime.dataSource.query('SELECT id, seq FROM audit_events ORDER BY seq DESC OFFSET 2 LIMIT 1')) as { id: string; seq: string }[];
    await server.runtime.dataSource.query(`UPDATE audit_events SET fields = '{}' WHERE id = $1`, [id]);
    const result = await auditVerify(database);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken at event ${id} \\(seq ${seq}\\): .+\\n$`));
  }, SLOW);
});
