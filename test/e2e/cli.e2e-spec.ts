import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI_TIMEOUT, expectOneLineFailure, requireBuiltCli, runCli, type CliResult } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const API_KEY = /^wwk_[A-Za-z0-9_-]{43}$/;
/** Each command opens the database (an embedded one takes a few seconds to start). */
const SLOW = CLI_TIMEOUT;

/** Runs the built CLI as an operator would, with the given database settings. */
function windward(database: TestDatabase, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { ...database.env, ...env });
}

beforeAll(requireBuiltCli);

describe('windward CLI', () => {
  let database: TestDatabase;
  const email = `a-${randomBytes(3).toString('hex')}@b.test`;
  let keyId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ empty: true }); // `migrate` and `seed` are tested on it
  });
  afterAll(() => database.drop());

  it('audit verify reads only: on a database not yet migrated it says so and changes nothing', async () => {
    const result = await windward(database, ['audit', 'verify']);
    // Exit 2, could not check: 1 would say the chain is broken.
    if (database.kind === 'postgres') {
      expectOneLineFailure(result, 2, /schema is behind this version \(\d+ migrations not applied, from \w+\): run `windward migrate`/);
    } else {
      // An embedded DATA_DIR not yet set up holds no database at all, and audit verify makes none.
      expectOneLineFailure(result, 2, /^windward: there is no database in DATA_DIR .*: create one with `windward migrate`/);
      expect(readdirSync(database.env.DATA_DIR)).toEqual([]);
    }
  }, SLOW);

  it('migrate applies the migrations, then says the database is up to date', async () => {
    const first = await windward(database, ['migrate']);
    expect(first.code).toBe(0);
    expect(first.lines).toEqual([expect.stringMatching(/^applied: \w+/)]);
    const second = await windward(database, ['migrate']);
    expect(second.code).toBe(0);
    expect(second.lines).toEqual(['database is up to date']);
  }, SLOW);

  it('seed loads the reference agencies once', async () => {
    const first = await windward(database, ['seed']);
    expect(first.code).toBe(0);
    expect(first.lines).toEqual(['agencies: 52 added, 0 already present']);
    const second = await windward(database, ['seed']);
    expect(second.code).toBe(0);
    expect(second.lines).toEqual(['agencies: 0 added, 52 already present']);
  }, SLOW);

  it('user create creates a user, then finds it', async () => {
    const first = await windward(database, ['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO']);
    expect(first.code).toBe(0);
    expect(first.lines).toEqual([expect.stringMatching(new RegExp(`^created: ${email.replace('.', '\\.')} \\(JM; ELO\\) id [0-9a-f-]{36}$`))]);
    const again = await windward(database, ['user', 'create', '--agency', 'jm', '--email', email.toUpperCase(), '--roles', 'ELO']);
    expect(again.code).toBe(0);
    expect(again.lines).toEqual([expect.stringMatching(new RegExp(`^exists: ${email.replace('.', '\\.')} `))]);
    expect(again.lines[0].split(' id ')[1]).toBe(first.lines[0].split(' id ')[1]);
  }, SLOW);

  it('user create for an existing email with other roles changes nothing and says so (idempotent on email)', async () => {
    const result = await windward(database, ['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO,ANALYST']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^exists: .* \(JM; ELO\) id /)]);
    expect(result.errorLines).toEqual(['windward: the existing user was left as it is; `windward user update` changes its roles or agency']);
    const again = await windward(database, ['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO']);
    expect(again.lines).toEqual([expect.stringMatching(/^exists: .* \(JM; ELO\) id /)]);
  }, SLOW);

  it('user create refuses, naming --name, a name the API would not take', async () => {
    const args = ['user', 'create', '--agency', 'JM', '--email', `n-${randomBytes(3).toString('hex')}@b.test`, '--roles', 'ELO', '--name'];
    expectOneLineFailure(await windward(database, [...args, 'n'.repeat(201)]), 1, /^windward: --name must have 1 to 200 characters/);
    expectOneLineFailure(await windward(database, [...args, 'x\u001b[31mred']), 1, /^windward: --name must not contain NUL or other control characters/);
    // Neither was created: the same address is still free.
    expect((await windward(database, [...args, 'Officer N'])).lines).toEqual([expect.stringMatching(/^created: /)]);
  }, SLOW);

  it('shows control characters of a refused value escaped, on one line', async () => {
    const result = await windward(database, ['user', 'create', '--agency', 'J\nM\u001b[2J', '--email', 'c@b.test', '--roles', 'ELO']);
    expectOneLineFailure(result, 1, /^windward: Unknown agency: J\\u000aM\\u001b\[2J \(BAD_USER_INPUT\)$/);
  }, SLOW);

  it('user create refuses an unknown role', async () => {
    expectOneLineFailure(await windward(database, ['user', 'create', '--agency', 'JM', '--email', 'r@b.test', '--roles', 'ELO,PIRATE']), 1, /PIRATE/);
  }, SLOW);

  it('user create refuses an unknown agency', async () => {
    expectOneLineFailure(await windward(database, ['user', 'create', '--agency', 'XX', '--email', 'x@b.test', '--roles', 'ELO']), 1, /agency.*XX/i);
  }, SLOW);

  it('apikey create prints the id first and the key as the last line', async () => {
    const result = await windward(database, ['apikey', 'create', '--user', email, '--ttl', '30d']);
    expect(result.code).toBe(0);
    expect(result.lines[0]).toMatch(/^id: /);
    keyId = result.lines[0].slice('id: '.length);
    expect(keyId).toMatch(UUID);
    const key = result.lines[result.lines.length - 1];
    expect(key).toMatch(API_KEY);
    expect(result.stdout.endsWith(`${key}\n`)).toBe(true);
    const expires = result.lines.find((line) => line.startsWith('expires: '));
    const days = (Date.parse(expires!.slice('expires: '.length)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect(result.stderr).toBe('');
  }, SLOW);

  it('apikey create refuses a bad TTL and an unknown user', async () => {
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', email, '--ttl', '3x']), 1, /TTL/);
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', 'nobody@b.test']), 1, /not found/);
  }, SLOW);

  it('apikey create refuses, naming --label, a label the API would not take', async () => {
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', email, '--label', 'l'.repeat(201)]), 1, /^windward: --label must have 1 to 200 characters/);
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', email, '--label', 'l\u0007\u001b']), 1, /^windward: --label must not contain NUL or other control characters/);
  }, SLOW);

  it('apikey create refuses a TTL beyond ten years, whose expiry the API could not show', async () => {
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', email, '--ttl', '999999w']), 1, /^windward: TTL "999999w" is longer than 3650d .*give no TTL/);
    const longest = await windward(database, ['apikey', 'create', '--user', email, '--ttl', '3650d']);
    expect(longest.code).toBe(0);
    expect(longest.lines[1]).toMatch(/^expires: 20\d\d-/);
  }, SLOW);

  it('apikey create refuses a disabled user', async () => {
    const disabled = `d-${randomBytes(3).toString('hex')}@b.test`;
    expect((await windward(database, ['user', 'create', '--agency', 'JM', '--email', disabled, '--roles', 'ELO'])).code).toBe(0);
    expect((await windward(database, ['user', 'update', '--email', disabled, '--status', 'DISABLED'])).code).toBe(0);
    expectOneLineFailure(await windward(database, ['apikey', 'create', '--user', disabled]), 1, /is disabled: enable the user before making a key for them \(CONFLICT\)$/);
  }, SLOW);

  it('apikey revoke revokes a key by id, and refuses an unknown id', async () => {
    const revoked = await windward(database, ['apikey', 'revoke', '--id', keyId]);
    expect(revoked.code).toBe(0);
    expect(revoked.lines).toEqual([expect.stringMatching(new RegExp(`^revoked: ${keyId} at \\d{4}-`))]);
    expectOneLineFailure(await windward(database, ['apikey', 'revoke', '--id', randomUUID()]), 1, /not found/);
    expectOneLineFailure(await windward(database, ['apikey', 'revoke', '--id', 'not-an-id']), 1, /Invalid API key id/);
  }, SLOW);

  it('in development, a failing command prints its one line alone; the passphrase warning follows a success', async () => {
    const development = { NODE_ENV: 'development', PLATFORM_KEY_PASSPHRASE: '' };
    expectOneLineFailure(await windward(database, ['apikey', 'revoke', '--id', randomUUID()], development), 1, /^windward: API key [0-9a-f-]{36} not found \(NOT_FOUND\)$/);
    const done = await windward(database, ['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO'], development);
    expect(done.code).toBe(0);
    expect(done.lines).toEqual([expect.stringMatching(/^exists: /)]);
    expect(done.errorLines.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ level: 'warn', msg: 'PLATFORM_KEY_PASSPHRASE is not set: using a generated development passphrase' })]);
  }, SLOW);

  it('exits 2 with one line naming the setting on a bad configuration', async () => {
    expectOneLineFailure(await windward(database, ['migrate'], { PORT: 'abc' }), 2, /PORT/);
    // The platform key was made with the development passphrase under DATA_DIR: another one is a
    // configuration mistake too, said without the passphrase.
    const wrongPassphrase = await windward(database, ['apikey', 'create', '--user', email], { PLATFORM_KEY_PASSPHRASE: 'not-the-one-it-was-made-with' });
    expectOneLineFailure(wrongPassphrase, 2, /^windward: Invalid configuration: PLATFORM_KEY_PASSPHRASE does not unlock the platform key in the database \([0-9A-F]{40}\)/);
    expect(wrongPassphrase.stderr).not.toContain('not-the-one-it-was-made-with');
    // serve's output is a log: its one line is a JSON object too.
    const result = await windward(database, ['serve'], { PORT: 'abc' });
    expect(result.code).toBe(2);
    expect(result.errorLines).toHaveLength(1);
    expect(JSON.parse(result.errorLines[0])).toMatchObject({ level: 'error', msg: 'windward could not start', reason: expect.stringMatching(/PORT/) });
    expect(result.stdout).toBe('');
  }, SLOW);

  it('exits non-zero with one line when the database cannot be reached', async () => {
    const result = await windward(database, ['migrate'], { DATABASE_URL: 'postgres://windward:s3cret-pw@127.0.0.1:1/windward' });
    expectOneLineFailure(result, 1, /\S/);
    expect(result.stderr).not.toContain('s3cret-pw');
    // audit verify could not check: not the exit 1 of a broken chain.
    const audit = await windward(database, ['audit', 'verify'], { DATABASE_URL: 'postgres://windward:s3cret-pw@127.0.0.1:1/windward' });
    expectOneLineFailure(audit, 2, /\S/);
    expect(audit.stderr).not.toContain('s3cret-pw');
  }, SLOW);

  it('exits 2 on an unknown command, a missing option, a group without its subcommand or no command at all', async () => {
    for (const args of [['frobnicate'], ['user', 'create', '--agency', 'JM'], ['apikey'], []]) {
      const result = await windward(database, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: /m);
      // One line, not the whole usage screen.
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, SLOW);
});

describe('windward CLI on an embedded DATA_DIR that holds no database', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(path.join(os.tmpdir(), 'windward-cli-no-database-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the commands on an existing user, key or chain say so in one line (exit 2) and create nothing', async () => {
    const missing = path.join(root, 'nowhere');
    for (const args of [
      ['audit', 'verify'],
      ['apikey', 'revoke', '--id', randomUUID()],
      ['apikey', 'create', '--user', 'elo@jm.test'],
      ['user', 'update', '--email', 'elo@jm.test', '--status', 'DISABLED'],
    ]) {
      const result = await runCli(args, { DATABASE_URL: '', DATA_DIR: missing });
      expectOneLineFailure(result, 2, new RegExp(`^windward: there is no database in DATA_DIR ${missing}: create one with \`windward migrate\` \\(or start \`windward serve\`\\), or set DATA_DIR to the directory that holds yours$`));
      expect(existsSync(missing)).toBe(false);
    }
  }, SLOW);

  it('a command that sets one up makes it, missing parents and all', async () => {
    const dataDir = path.join(root, 'new', 'data');
    const result = await runCli(['migrate'], { DATABASE_URL: '', DATA_DIR: dataDir });
    expect({ code: result.code, lines: result.lines }).toEqual({ code: 0, lines: [expect.stringMatching(/^applied: /)] });
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect((await runCli(['audit', 'verify'], { DATABASE_URL: '', DATA_DIR: dataDir })).lines).toEqual(['ok: 0 events checked']);
  }, SLOW);
});

describe('windward CLI on a DATA_DIR that cannot be one', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(path.join(os.tmpdir(), 'windward-cli-data-dir-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** On the embedded database, as the DATA_DIR of the test says. */
  const embedded = (args: string[], dataDir: string, as?: { uid: number; gid: number }) => runCli(args, { DATABASE_URL: '', DATA_DIR: dataDir }, as);

  it('a regular file: one line naming DATA_DIR, exit 2 (a bad setting), the file untouched', async () => {
    const file = path.join(root, 'data-file');
    writeFileSync(file, 'kept');
    expectOneLineFailure(await embedded(['migrate'], file), 2, new RegExp(`^windward: DATA_DIR ${file} is not a directory: set DATA_DIR to a directory`));
    expectOneLineFailure(await embedded(['user', 'create', '--agency', 'JM', '--email', 'f@jm.test', '--roles', 'ELO'], path.join(file, 'sub')), 2, /^windward: DATA_DIR \S+ cannot be used: a part of its path is a file, not a directory$/);
    // serve says it in its one JSON line.
    const serve = await embedded(['serve'], file);
    expect(serve.code).toBe(2);
    expect(serve.errorLines.map((line) => JSON.parse(line) as unknown)).toEqual([expect.objectContaining({ msg: 'windward could not start', reason: expect.stringMatching(/^DATA_DIR \S+ is not a directory/) })]);
    expect(readFileSync(file, 'utf8')).toBe('kept');
  }, SLOW);

  it('a directory this user may not write in, or not make: one line, exit 2, nothing written', async () => {
    // Root may write anywhere: run the command as nobody then.
    const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const locked = path.join(root, 'locked');
    mkdirSync(locked);
    chmodSync(root, 0o755);
    chmodSync(locked, 0o555);
    try {
      expectOneLineFailure(await embedded(['migrate'], locked, as), 2, /^windward: DATA_DIR \S+\/locked is not writable by this process \(uid \d+\): permission denied$/);
      expectOneLineFailure(await embedded(['migrate'], path.join(locked, 'data'), as), 2, /^windward: DATA_DIR \S+\/locked\/data cannot be created: permission denied$/);
      expect(readdirSync(locked)).toEqual([]);
    } finally {
      chmodSync(locked, 0o755);
    }
    expect(existsSync(path.join(locked, 'data'))).toBe(false);
  }, SLOW);
});
