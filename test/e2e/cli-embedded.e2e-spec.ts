import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_TIMEOUT, ROOT, requireBuiltCli, runCli, type CliResult } from '../support/cli.js';
import { startServeProcess } from '../support/serve-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
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

/** Neither a stack trace nor Node's report of an unhandled 'error' event, on either stream. */
function expectNoCrash(result: CliResult): void {
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toMatch(/Unhandled 'error' event|node:events/);
  }
}

describe('windward CLI commands run at once on the embedded database, no server running', () => {
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) return; // the cases below are skipped
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  // Whichever command takes windward.lock first runs PGlite and serves it to the others on its
  // socket: it must keep serving them until they are done, not stop when its own work is.
  embeddedOnly('all succeed, and each user they created exists', async () => {
    const env = database!.env;
    const emails = [1, 2, 3].map((i) => `c${i}-${randomBytes(3).toString('hex')}@jm.test`);
    const create = () => Promise.all(emails.map((email) => runCli(['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO'], env)));

    const created = await create();
    for (const result of created) expectNoCrash(result);
    expect(created.map((result) => ({ code: result.code, errors: result.errorLines.filter((line) => !line.includes('PLATFORM_KEY_PASSPHRASE')) }))).toEqual(emails.map(() => ({ code: 0, errors: [] })));
    expect(created.map((result) => result.lines[0])).toEqual(emails.map((email) => expect.stringMatching(new RegExp(`^created: ${email} \\(JM; ELO\\)`))));

    // Once more, at once again: every one finds its user.
    const again = await create();
    for (const result of again) expectNoCrash(result);
    // With what each printed on stderr, so that a failure says why (it failed once in CI's PGlite run, exit 1, and never here).
    expect(again.map((result) => ({ code: result.code, line: result.lines[0], errors: errorsOf(result) }))).toEqual(
      emails.map((email) => ({ code: 0, line: expect.stringMatching(new RegExp(`^exists: ${email} `)), errors: [] })),
    );
  }, SLOW * 2);
});

async function waitFor(done: () => boolean, what: string, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Who holds the data directory now, as its lock says (null while nobody does). */
function lockHolder(dataDir: string): { pid: number; command: string } | null {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, 'windward.lock'), 'utf8')) as { pid: number; command: string };
  } catch {
    return null;
  }
}

/** The stderr lines a command's failure is judged by: the development passphrase warning aside. */
const errorsOf = (result: CliResult) => result.errorLines.filter((line) => !line.includes('PLATFORM_KEY_PASSPHRASE'));

describe('windward serve and CLI commands on one embedded DATA_DIR', () => {
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) return; // the cases below are skipped
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  embeddedOnly('serve started while a command runs the database waits for it, naming it, then starts; on SIGTERM it lets a command using it finish', async () => {
    const env = { ...database!.env, SHUTDOWN_TIMEOUT_MS: '120000' };
    const demo = runCli(['demo'], env);
    await waitFor(() => lockHolder(database!.env.DATA_DIR)?.command === 'windward demo', 'demo to hold the data directory');
    let demoDone = false;
    void demo.then(() => (demoDone = true));
    const server = await startServeProcess(env);
    try {
      // Before: refused, "in use by another Windward process (pid …, `windward`, …)".
      expect(server.stdout()).toMatch(/"msg":"waiting for `windward demo` \(pid \d+\) to finish with DATA_DIR"/);
      expect(demoDone).toBe(true);
      const first = await demo;
      expectNoCrash(first);
      expect({ code: first.code, errors: errorsOf(first) }).toEqual({ code: 0, errors: [] });

      // A command using the server's database when the server is told to stop: it finishes.
      const again = runCli(['demo'], env);
      await waitFor(() => /"msg":"another Windward process uses the embedded database","pid":\d+,"command":"windward demo"/.test(server.stdout()), 'demo to use the server');
      server.child.kill('SIGTERM');
      const second = await again;
      expectNoCrash(second);
      expect({ code: second.code, errors: errorsOf(second), last: second.lines.at(-1) }).toEqual({ code: 0, errors: [], last: expect.stringMatching(/^demo operation: /) });
      expect(await server.exited).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, SLOW * 2);

  embeddedOnly('serve and a worker both waiting for a command: serve runs the database once it is free, the worker uses it', async () => {
    const env = database!.env;
    // A command that holds the directory until told to finish (as `windward demo` would, for as long as the test needs).
    const lockModule = path.join(ROOT, 'dist/src/database/data-dir-lock.js');
    const holder = spawn(process.execPath, ['--input-type=module', '-e',
      `const { acquireDataDirLock } = await import(${JSON.stringify(lockModule)});
       const lock = acquireDataDirLock(${JSON.stringify(env.DATA_DIR)}, { command: 'windward demo', role: 'command' });
       process.stdin.resume(); process.stdin.on('end', () => { lock.release(); process.exit(0); });`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const holderDone = new Promise((resolve) => holder.once('exit', resolve));
    await waitFor(() => lockHolder(env.DATA_DIR)?.command === 'windward demo', 'the command to hold the data directory');
    const { NODE_OPTIONS: _jest, DATABASE_URL: _suite, ...inherited } = process.env;
    const worker = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'worker'], {
      cwd: ROOT,
      env: { ...inherited, NODE_ENV: 'test', LOG_LEVEL: 'info', WORKER_HEALTH_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let workerOut = '';
    worker.stdout!.on('data', (chunk: Buffer) => (workerOut += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (workerOut += chunk.toString()));
    try {
      await waitFor(() => workerOut.includes('waiting for `windward demo`'), 'the worker to wait for the command');
      // Before: whichever of the two polled first after the command took the directory; a worker
      // that won left serve refused ("in use by another Windward process … `windward worker`").
      const starting = startServeProcess(env);
      starting.catch(() => undefined); // awaited below
      await waitFor(() => existsSync(path.join(env.DATA_DIR, 'windward.server-waiting')), 'serve to wait for the command');
      holder.stdin!.end(); // the command finishes: both may take the directory now
      await holderDone;
      const server = await starting;
      try {
        await waitFor(() => /"msg":"another Windward process uses the embedded database","pid":\d+,"command":"windward worker"/.test(server.stdout()), 'the worker to use the server');
        expect(worker.exitCode).toBeNull();
        expect(lockHolder(env.DATA_DIR)?.command).toBe('windward serve');
      } finally {
        worker.kill('SIGTERM');
        await new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(undefined)));
        server.child.kill('SIGTERM');
        await server.exited;
      }
    } finally {
      if (worker.exitCode === null) worker.kill('SIGKILL');
      if (holder.exitCode === null) holder.kill('SIGKILL');
    }
  }, SLOW * 2);

  embeddedOnly('a command whose server dies under it fails in one line, and succeeds when run again', async () => {
    const env = database!.env;
    const server = await startServeProcess(env);
    const email = `k-${randomBytes(3).toString('hex')}@jm.test`;
    const args = ['user', 'create', '--agency', 'JM', '--email', email, '--roles', 'ELO'];
    const cut = runCli(args, env);
    try {
      await waitFor(() => /"msg":"another Windward process uses the embedded database","pid":\d+,"command":"windward user create"/.test(server.stdout()), 'user create to use the server');
    } finally {
      server.child.kill('SIGKILL');
    }
    const result = await cut;
    expectNoCrash(result);
    expect({ code: result.code, errors: errorsOf(result) }).toEqual({ code: 1, errors: [expect.stringMatching(/^windward: the embedded database in .* went away: `windward serve` \(pid \d+\), which ran it, stopped before this command finished/)] });

    const rerun = await runCli(args, env);
    expect({ code: rerun.code, line: rerun.lines[0] }).toEqual({ code: 0, line: expect.stringMatching(new RegExp(`^(created|exists): ${email} `)) });
  }, SLOW * 2);
});
