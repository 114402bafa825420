import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer } from '../../src/app/server.js';
import { ApiKeysService } from '../../src/auth/api-keys.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { requireBuiltCli, runCli } from '../support/cli.js';
import { SUBMIT, seizureInput } from '../support/seizure-fixtures.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testConfig } from '../support/test-platform.js';

/**
 * What an operator's crash test found true, kept true: kill -9 of `windward serve` while clients
 * submit, three times, on the same storage; every submission that was acknowledged is there after
 * restart and the audit chain verifies. A report compilation killed mid-run completes once.
 */
const ROUNDS = 3;
const CLIENTS = 6;
const SLOW = 600_000;

const CREATE_OPERATION = `mutation($i: OperationInput!) { createOperation(input: $i) { id } }`;
const SET_STATUS = `mutation($id: ID!, $s: OperationStatus!) { setOperationStatus(operationId: $id, status: $s) { status } }`;
const COMPILE = `mutation($id: ID!) { compileOperationReport(operationId: $id) { id version status } }`;

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql<T>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlAnswer<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('durability: kill -9 during submissions and during a report compilation', () => {
  let database: TestDatabase;
  let server: ServeProcess | undefined;
  let db: pg.Pool | undefined;
  const keys = {} as Record<'jm' | 'ky' | 'jio', string>;
  let operationId: string;
  /** Acknowledged submissions: the server answered with an id. */
  const acknowledged = new Map<string, string>();
  const killDelays: number[] = [];

  /** The database as a separate client: PostgreSQL, or the embedded one through the server's socket. */
  function pool(): pg.Pool {
    if (!db) {
      db = new pg.Pool(database.env.DATABASE_URL ? { connectionString: database.env.DATABASE_URL, max: 2 } : { host: database.env.DATA_DIR, port: 5432, user: 'postgres', database: 'postgres', max: 2 });
      db.on('error', () => undefined); // the server (and with it the embedded socket) is killed on purpose
    }
    return db;
  }
  async function closePool(): Promise<void> {
    await db?.end().catch(() => undefined);
    db = undefined;
  }

  async function killNow(): Promise<void> {
    const running = server!;
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    server = undefined;
    await closePool();
  }

  beforeAll(async () => {
    requireBuiltCli();
    database = await createTestDatabase();
    // Users, keys and an operation, made in-process before the server runs on the same storage.
    const setup = await startServer(testConfig(database), { worker: false });
    try {
      for (const [name, agencyCode, roles] of [['jm', 'JM', ['ELO']], ['ky', 'KY', ['ELO']], ['jio', 'JIO', ['ANALYST']]] as const) {
        const email = `${name}-${randomBytes(3).toString('hex')}@durability.test`;
        await setup.app.get(UsersService).createOrGet({ agencyCode, email, roles: [...roles] });
        keys[name] = (await setup.app.get(ApiKeysService).create(email)).key;
      }
    } finally {
      await setup.close();
    }
  }, SLOW);

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await closePool();
    await database?.drop();
  });

  it(`keeps every acknowledged submission through ${ROUNDS} kill -9 at random moments, and the audit chain verifies`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      server = await startServeProcess(database.env);
      const url = server.url;
      if (round === 0) {
        const created = await gql<{ createOperation: { id: string } }>(url, keys.jio, CREATE_OPERATION, {
          i: { codeName: `Durable ${randomBytes(3).toString('hex')}`, focus: 'Crash tests', tlp: 'GREEN', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', participants: ['JM', 'KY'] },
        });
        expect(created.errors).toBeUndefined();
        operationId = created.data!.createOperation.id;
        expect((await gql(url, keys.jio, SET_STATUS, { id: operationId, s: 'ACTIVE' })).errors).toBeUndefined();
      }
      let killed = false;
      const unexpected: string[] = [];
      const client = async (key: string) => {
        while (!killed) {
          // Linked to the operation: the compilation below then has real work to do.
          const input = seizureInput({ reference: `D-${randomBytes(6).toString('hex')}`, operationId, seizedAt: '2026-06-01T10:00:00Z' });
          try {
            const answer = await gql<{ submitSeizure: { id: string } }>(url, key, SUBMIT, { input });
            if (answer.data?.submitSeizure) acknowledged.set(answer.data.submitSeizure.id, input.reference as string);
            else if (!killed) unexpected.push(JSON.stringify(answer.errors));
          } catch {
            // the connection died with the server: this submission was never acknowledged
          }
        }
      };
      const before = acknowledged.size;
      const clients = Array.from({ length: CLIENTS }, (_, i) => client(i % 2 ? keys.jm : keys.ky));
      // A random moment, once submissions are flowing.
      while (acknowledged.size < before + 5) await sleep(20);
      const delay = Math.floor(Math.random() * 1500);
      killDelays.push(delay);
      await sleep(delay);
      killed = true;
      await killNow();
      await Promise.all(clients);
      expect({ round, unexpected }).toEqual({ round, unexpected: [] });
    }

    server = await startServeProcess(database.env);
    const ids = [...acknowledged.keys()];
    const found = await pool().query<{ id: string; reference: string }>('SELECT id, reference FROM seizures WHERE id = ANY($1::uuid[])', [ids]);
    const present = new Map(found.rows.map((row) => [row.id, row.reference]));
    const missing = ids.filter((id) => present.get(id) !== acknowledged.get(id));
    expect({ killDelays, acknowledged: ids.length, missing }).toEqual({ killDelays, acknowledged: ids.length, missing: [] });
    const verified = await runCli(['audit', 'verify'], database.env);
    expect({ code: verified.code, out: verified.stdout + verified.stderr }).toMatchObject({ code: 0 });
  }, SLOW);

  it('completes a report compilation killed mid-run exactly once after restart', async () => {
    const status = async (reportId: string) => (await pool().query<{ status: string }>('SELECT status FROM operation_reports WHERE id = $1', [reportId])).rows[0]?.status;
    const requested: string[] = [];
    let killedMidRun: string | undefined;
    // The compilation takes a moment (hundreds of linked reports, a PDF); try until the kill lands in it.
    for (let attempt = 0; attempt < 5 && !killedMidRun; attempt += 1) {
      server ??= await startServeProcess(database.env);
      const compiled = await gql<{ compileOperationReport: { id: string } }>(server.url, keys.jio, COMPILE, { id: operationId });
      expect(compiled.errors).toBeUndefined();
      const reportId = compiled.data!.compileOperationReport.id;
      requested.push(reportId);
      for (let i = 0; i < 2000; i += 1) {
        const now = await status(reportId);
        if (now === 'COMPILING') {
          await killNow();
          killedMidRun = reportId;
          break;
        }
        if (now === 'READY' || now === 'FAILED') break;
        await sleep(5);
      }
    }
    expect(killedMidRun).toBeDefined();

    server = await startServeProcess(database.env);
    // The job's lock outlives the killed worker; the restarted worker finds it stalled and runs it again.
    const deadline = Date.now() + 180_000;
    while ((await status(killedMidRun!)) !== 'READY' && Date.now() < deadline) await sleep(500);
    const reports = await pool().query<{ id: string; version: number; status: string }>('SELECT id, version, status FROM operation_reports WHERE operation_id = $1 ORDER BY version', [operationId]);
    // One report per request, each READY once: no second version from a re-run, none lost.
    expect(reports.rows.map((r) => r.id).sort()).toEqual([...requested].sort());
    expect(reports.rows.map((r) => r.status)).toEqual(requested.map(() => 'READY'));
    expect(new Set(reports.rows.map((r) => r.version)).size).toBe(requested.length);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    server = undefined;
  }, SLOW);
});
