import { randomBytes } from 'node:crypto';
import { CLI_TIMEOUT, requireBuiltCli, runCli } from '../support/cli.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

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
  let platform: TestPlatform | undefined;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) return; // the case below is skipped
    platform = await startTestPlatform();
  }, SLOW);
  afterAll(() => platform?.stop());

  embeddedOnly('creates a user and a key through the server\'s socket, and the key works at once', async () => {
    const { database } = platform!;
    expect(database.kind).toBe('embedded');
    const email = `ops-${randomBytes(3).toString('hex')}@jm.test`;
    const created = await runCli(['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ANALYST'], database.env);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toMatch(/^created: /);

    const issued = await runCli(['apikey', 'create', '--user', email], database.env);
    expect(issued.code).toBe(0);
    const key = issued.lines[issued.lines.length - 1];
    expect(key).toMatch(API_KEY);

    const response = await platform!.gql<{ me: unknown }>(key, '{ me { email roles agency { code } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.me).toEqual({ email, roles: ['ANALYST'], agency: { code: 'JM' } });
  }, SLOW);
});
