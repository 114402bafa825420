import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { CLI_TIMEOUT, requireBuiltCli, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testConfig } from '../support/test-platform.js';

/*
 * The CLI on an embedded data directory that a running server holds (cli.e2e-spec.ts has the
 * commands themselves): a file of its own, so that CI's PGlite run can take it alone.
 */
const API_KEY = /^wwk_[A-Za-z0-9_-]{43}$/;
const SLOW = CLI_TIMEOUT;

beforeAll(requireBuiltCli);

/** PGlite allows one process per data directory: with a server running, commands use its socket. */
const embeddedOnly = process.env.DATABASE_URL ? it.skip : it;

describe('windward CLI next to a running server on the embedded database', () => {
  let database: TestDatabase;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) return; // the case below is skipped
    database = await createTestDatabase();
    server = await startServer(testConfig(database), { worker: false });
  }, SLOW);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  embeddedOnly('creates a user and a key through the server\'s socket, and the key works at once', async () => {
    expect(database.kind).toBe('embedded');
    const email = `ops-${randomBytes(3).toString('hex')}@jm.test`;
    const created = await runCli(['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ANALYST'], database.env);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toMatch(/^created: /);

    const issued = await runCli(['apikey', 'create', '--user', email], database.env);
    expect(issued.code).toBe(0);
    const key = issued.lines[issued.lines.length - 1];
    expect(key).toMatch(API_KEY);

    const response = await request(server!.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${key}`)
      .send({ query: '{ me { email roles agency { code } } }' });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.me).toEqual({ email, roles: ['ANALYST'], agency: { code: 'JM' } });
  }, SLOW);
});
