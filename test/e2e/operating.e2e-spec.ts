import http from 'node:http';
import { requireBuiltCli } from '../support/cli.js';
import { jsonLines, startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const SLOW = 240_000;
const NO_SECRETS = /secretKey|processID|password/;

/** A GraphQL request with a made-up key: authenticating it needs the database. */
async function whoAmI(url: string): Promise<{ status: number; retryAfter: string | null; code?: string }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer wwk_${'A'.repeat(43)}` },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.errors?.[0]?.extensions?.code };
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One request on a given keep-alive agent; resolves with status and headers, or the socket error. */
function keepAliveRequest(agent: http.Agent, url: string, path: string): Promise<{ status: number; connection?: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = http.request(`${url}${path}`, { agent, method: 'GET' }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end();
  });
}

describe('operating windward serve', () => {
  let database: TestDatabase;
  let proxy: TcpProxy | undefined;
  let server: ServeProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBuiltCli();
    database = await createTestDatabase();
    env = { ...database.env };
    if (database.env.DATABASE_URL) {
      // On PostgreSQL the server reaches the database through a proxy the test can cut.
      const url = new URL(database.env.DATABASE_URL);
      proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      env.DATABASE_URL = url.toString();
    }
    server = await startServeProcess(env);
  }, SLOW);

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await proxy?.close();
    await database?.drop();
  });

  it('exits non-zero with one JSON line when its port is taken, and runs no worker', async () => {
    const port = new URL(server.url).port;
    const other = database.kind === 'embedded' ? { DATA_DIR: `${database.env.DATA_DIR}-second` } : env;
    const started = Date.now();
    const failed = startServeProcess({ ...other, PORT: port });
    await expect(failed).rejects.toThrow(/exited with 1 before it started/);
    expect(Date.now() - started).toBeLessThan(120_000);
    const message = ((await failed.catch((error: Error) => error)) as Error).message;
    expect(message).toMatch(/"msg":"windward could not start","reason":"listen EADDRINUSE/);
    expect(message).not.toMatch(/job worker started|Cannot use a pool/);
  }, SLOW);

  if (process.env.DATABASE_URL) {
    it('answers 503 SERVICE_UNAVAILABLE with Retry-After while the database is away, and logs the outage twice in all', async () => {
      expect(await whoAmI(server.url)).toMatchObject({ status: 200, code: 'UNAUTHENTICATED' });
      proxy!.cut();
      const answers = [];
      for (let i = 0; i < 15; i += 1) answers.push(await whoAmI(server.url));
      for (const answer of answers) expect(answer).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: expect.stringMatching(/^\d+$/) });
      expect((await fetch(`${server.url}/health`)).status).toBe(503);
      proxy!.restore();
      const back = await eventually(() => whoAmI(server.url), (answer) => answer.status === 200);
      expect(back).toMatchObject({ status: 200, code: 'UNAUTHENTICATED' });
      await eventually(() => server.stdout(), (out) => out.includes('database available again'));
      const lines = jsonLines(server.stdout());
      expect(lines.filter((line) => line.msg === 'database unavailable')).toHaveLength(1);
      expect(lines.filter((line) => line.msg === 'database available again')).toHaveLength(1);
      expect(lines.filter((line) => line.msg === 'unexpected error' || line.stack)).toEqual([]);
    }, SLOW);
  } else {
    it('refuses a second server on the same DATA_DIR, naming the first', async () => {
      const second = startServeProcess(env);
      await expect(second).rejects.toThrow(/exited with 1 before it started/);
      const message = ((await second.catch((error: Error) => error)) as Error).message;
      expect(message).toContain(`in use by another Windward process (pid ${server.child.pid}, \`windward serve\``);
    }, SLOW);
  }

  it('answers a keep-alive connection after SIGTERM with Connection: close, and new requests 503, never a reset', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await keepAliveRequest(agent, server.url, '/health')).toMatchObject({ status: 200 });
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The same (idle, kept-alive) connection, after SIGTERM: answered, and told to close.
    expect(await keepAliveRequest(agent, server.url, '/health')).toEqual({ status: 503, connection: 'close' });
    // A new connection while the server drains: 503 as well.
    expect(await keepAliveRequest(new http.Agent({ keepAlive: false }), server.url, '/health')).toMatchObject({ status: 503 });
    expect(await server.exited).toBe(0);
    agent.destroy();
  }, SLOW);

  it('wrote nothing but JSON objects on stdout and stderr, and no secret', () => {
    for (const text of [server.stdout(), server.stderr()]) {
      expect(() => jsonLines(text)).not.toThrow();
      expect(text).not.toMatch(NO_SECRETS);
      expect(text).not.toMatch(/DeprecationWarning|already executing a query/);
    }
  });
});
