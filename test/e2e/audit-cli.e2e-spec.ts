import { randomUUID } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service.js';
import { CLI_TIMEOUT, requireBuiltCli, runCli } from '../support/cli.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const SLOW = CLI_TIMEOUT;

/** Runs `windward audit verify` as an operator would, against the test database. */
function auditVerify(database: TestDatabase) {
  return runCli(['audit', 'verify'], database.env);
}

describe('windward audit verify', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    requireBuiltCli();
    // A running server (with the embedded database, the CLI reaches it through its socket).
    platform = await startTestPlatform();
  }, SLOW);
  afterAll(() => platform?.stop());

  it('exits 0 on an intact chain, saying how many events it checked', async () => {
    const audit = platform.server.app.get(AuditService);
    for (let i = 0; i < 5; i++) await audit.appendStandalone({ actor: randomUUID(), agency: 'JM', action: 'seizure.read', resourceId: randomUUID(), resourceAgency: 'JM', fields: ['narrative'] });
    const [{ count }] = (await platform.server.runtime.dataSource.query('SELECT count(*)::int AS count FROM audit_events')) as { count: number }[];
    const result = await auditVerify(platform.database);
    expect(result).toMatchObject({ code: 0, stdout: `ok: ${count} events checked\n` });
  }, SLOW);

  it('exits 1 with the first broken event after tampering', async () => {
    const [{ id, seq }] = (await platform.server.runtime.dataSource.query('SELECT id, seq FROM audit_events ORDER BY seq DESC OFFSET 2 LIMIT 1')) as { id: string; seq: string }[];
    await platform.server.runtime.dataSource.query(`UPDATE audit_events SET fields = '{}' WHERE id = $1`, [id]);
    const result = await auditVerify(platform.database);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken at event ${id} \\(seq ${seq}\\): .+\\n$`));
  }, SLOW);
});
