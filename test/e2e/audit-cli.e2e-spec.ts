import { randomBytes, randomUUID } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service.js';
import { CLI_TIMEOUT, requireBuiltCli, runCli } from '../support/cli.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const SLOW = CLI_TIMEOUT;

/** Runs `windward audit verify` as an operator would, against the test database. */
function auditVerify(database: TestDatabase, anchors: string[] = []) {
  return runCli(['audit', 'verify', ...anchors.flatMap((anchor) => ['--anchor', anchor])], database.env);
}

/** PGlite has one role: what a read-only one may do is a PostgreSQL matter. */
const postgresOnly = process.env.DATABASE_URL ? it : it.skip;

describe('windward audit verify', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    requireBuiltCli();
    // A running server (with the embedded database, the CLI reaches it through its socket).
    platform = await startTestPlatform();
  }, SLOW);
  afterAll(() => platform?.stop());

  it('records user and key changes made at the command line, as the API records its own', async () => {
    const { env } = platform.database;
    const email = `cli-${randomBytes(3).toString('hex')}@jm.test`;
    const created = await runCli(['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO', '--name', 'Officer'], env);
    expect(created.code).toBe(0);
    const userId = created.lines[0].split(' id ')[1];
    const issued = await runCli(['apikey', 'create', '--user', email, '--label', 'laptop'], env);
    expect(issued.code).toBe(0);
    const keyId = issued.lines[0].slice('id: '.length);
    expect((await runCli(['apikey', 'revoke', '--id', keyId], env)).code).toBe(0);
    expect((await runCli(['user', 'update', '--email', email, '--status', 'DISABLED'], env)).code).toBe(0);

    const events = (await platform.server.runtime.dataSource.query(
      'SELECT actor, actor_email, agency, action, resource_type, resource_id, resource_agency, details FROM audit_events WHERE resource_id IN ($1, $2) ORDER BY seq',
      [userId, keyId],
    )) as Record<string, unknown>[];
    const byCli = (command: string) => ({ via: 'cli', command: `windward ${command}`, osUser: expect.any(String) });
    const common = { actor: 'system', actor_email: null, agency: 'JM', resource_agency: 'JM' };
    expect(events).toEqual([
      { ...common, action: 'user.create', resource_type: 'User', resource_id: userId, details: { roles: ['ELO'], displayName: 'Officer', origin: byCli('user create') } },
      { ...common, action: 'apikey.create', resource_type: 'ApiKey', resource_id: keyId, details: { userId, origin: byCli('apikey create') } },
      { ...common, action: 'apikey.revoke', resource_type: 'ApiKey', resource_id: keyId, details: { userId, origin: byCli('apikey revoke') } },
      { ...common, action: 'user.update', resource_type: 'User', resource_id: userId, details: expect.objectContaining({ to: { status: 'DISABLED' }, origin: byCli('user update') }) },
    ]);
    expect((await auditVerify(platform.database)).code).toBe(0);
  }, SLOW);

  postgresOnly('verifies with a database role that may only read (an auditor\'s)', async () => {
    const { dataSource } = platform.server.runtime;
    const url = new URL(platform.database.env.DATABASE_URL);
    const role = `windward_reader_${randomBytes(4).toString('hex')}`;
    const database = url.pathname.slice(1);
    await dataSource.query(`CREATE ROLE ${role} LOGIN`);
    try {
      await dataSource.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
      await dataSource.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await dataSource.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
      url.username = role;
      const result = await runCli(['audit', 'verify'], { ...platform.database.env, DATABASE_URL: url.toString() });
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^ok: \d+ events checked\nanchor: \d+:[0-9a-f]{64}\n$/) });
    } finally {
      // Its privileges here (and on the database) go first, or the role cannot be dropped.
      await dataSource.query(`DROP OWNED BY ${role}`);
      await dataSource.query(`DROP ROLE ${role}`);
    }
  }, SLOW);

  it('exits 0 on an intact chain, saying how many events it checked', async () => {
    const audit = platform.server.app.get(AuditService);
    for (let i = 0; i < 5; i++) await audit.appendStandalone({ actor: randomUUID(), agency: 'JM', action: 'seizure.read', resourceId: randomUUID(), resourceAgency: 'JM', fields: ['narrative'] });
    const [{ count }] = (await platform.server.runtime.dataSource.query('SELECT count(*)::int AS count FROM audit_events')) as { count: number }[];
    const [head] = (await platform.server.runtime.dataSource.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
    const result = await auditVerify(platform.database);
    expect(result).toMatchObject({ code: 0, stdout: `ok: ${count} events checked\nanchor: ${head.seq}:${head.hash}\n` });
  }, SLOW);

  it('exits 1 when events were deleted from the end of the chain since an anchor was kept', async () => {
    const audit = platform.server.app.get(AuditService);
    const kept = (await auditVerify(platform.database)).stdout.split('\n')[1].replace('anchor: ', '');
    const earlier = (await platform.server.runtime.dataSource.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC OFFSET 1 LIMIT 1')) as { seq: string; hash: string }[];
    expect(await auditVerify(platform.database, [`${earlier[0].seq}:${earlier[0].hash}`, kept])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: \d+ events checked, 2 anchors reached\n/) });

    // Two events appended after the anchor, then removed with the anchored one: a shorter chain, intact.
    for (let i = 0; i < 2; i++) await audit.appendStandalone({ actor: randomUUID(), agency: 'JM', action: 'seizure.read', resourceId: randomUUID(), resourceAgency: 'JM', fields: ['narrative'] });
    const [seq] = kept.split(':');
    await platform.server.runtime.dataSource.query('DELETE FROM audit_events WHERE seq >= $1', [seq]);
    expect((await auditVerify(platform.database)).code).toBe(0); // the chain alone cannot tell
    const result = await auditVerify(platform.database, [kept]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`broken at seq ${seq}: the chain ends at seq ${BigInt(seq) - 1n}, before the anchor ${seq}: events were deleted from its end\n`);

    // A malformed anchor is a mistake of the command line, not a broken chain: it could not check.
    const malformed = await auditVerify(platform.database, ['12:not-a-hash']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^windward: Invalid anchor "12:not-a-hash".*\n$/);
  }, SLOW);

  it('exits 1 with the first broken event after tampering', async () => {
    const [{ id, seq }] = (await platform.server.runtime.dataSource.query('SELECT id, seq FROM audit_events ORDER BY seq DESC OFFSET 2 LIMIT 1')) as { id: string; seq: string }[];
    await platform.server.runtime.dataSource.query(`UPDATE audit_events SET fields = '{}' WHERE id = $1`, [id]);
    const result = await auditVerify(platform.database);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^broken at event ${id} \\(seq ${seq}\\): .+\\n$`));
  }, SLOW);
});
