import type { Response } from 'supertest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/** Looks like a JavaScript stack frame: "    at fn (/path/file.js:12:34)" or "at /path/file.js:12:34". */
const STACK_FRAME = /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+/;

const METRICS_TOKEN = 'metrics-token-for-the-scraper-01';

describe('HTTP edge', () => {
  let platform: TestPlatform;
  let key: string;
  /** Every JSON or HTML body this file received, checked at the end for leaks. */
  const bodies: { what: string; text: string }[] = [];

  function record(what: string, response: Response): Response {
    bodies.push({ what, text: response.text ?? JSON.stringify(response.body) });
    return response;
  }

  async function post(what: string, body: unknown, token: string | null = key): Promise<Response> {
    let call = platform.http().post('/graphql').set('content-type', 'application/json');
    if (token) call = call.set('authorization', `Bearer ${token}`);
    return record(what, await call.send(body as object));
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ env: { GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COMPLEXITY: '10', METRICS_TOKEN } });
    key = (await platform.userWithKey('JM', ['ELO'])).key;
  });
  afterAll(() => platform.stop());

  describe('/health', () => {
    it('reports the database and the queue', async () => {
      const response = record('health', await platform.http().get('/health').set('authorization', `Bearer ${METRICS_TOKEN}`));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({
        status: 'ok',
        database: { ok: true },
        queue: { ok: true, backend: process.env.REDIS_URL ? 'redis' : 'postgres' },
      });
      expect(response.body.queue.jobs).toEqual(
        expect.objectContaining({ waiting: expect.any(Number), active: expect.any(Number), failed: expect.any(Number) }),
      );
    });
  });

  describe('/metrics', () => {
    it('counts platform-wide activity, so it needs METRICS_TOKEN, and /health shows job counts only with it', async () => {
      for (const authorization of [undefined, `Bearer ${key}`, 'Bearer not-the-metrics-token-at-all']) {
        let call = platform.http().get('/metrics');
        if (authorization) call = call.set('authorization', authorization);
        const refused = record('metrics refused', await call);
        expect(refused.status).toBe(401);
        expect(refused.text).not.toContain('windward_');
      }
      const health = record('health without the token', await platform.http().get('/health'));
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', database: { ok: true }, queue: { ok: true } });
    });

    it('is Prometheus text with request counts by route and GraphQL operation counts', async () => {
      await platform.http().get('/health');
      await post('me for metrics', { query: '{ me { email } }' });
      const response = await platform.http().get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toContain('# TYPE windward_http_requests_total counter');
      expect(response.text).toMatch(/^windward_http_requests_total\{[^}]*route="\/health"[^}]*\} [1-9]\d*$/m);
      expect(response.text).toMatch(/^windward_http_requests_total\{[^}]*method="POST"[^}]*route="\/graphql"[^}]*status="200"[^}]*\} [1-9]\d*$/m);
      expect(response.text).toMatch(/^windward_graphql_operations_total\{[^}]*type="query"[^}]*outcome="ok"[^}]*\} [1-9]\d*$/m);
      expect(response.text).toMatch(/^windward_http_request_duration_seconds_bucket\{/m);
    });
  });

  describe('x-request-id', () => {
    it('echoes a valid request id', async () => {
      const response = await platform.http().get('/health').set('x-request-id', 'trace-abc.123:x');
      expect(response.headers['x-request-id']).toBe('trace-abc.123:x');
    });

    it('generates one when none is given', async () => {
      const [a, b] = [await platform.http().get('/health'), await platform.http().get('/health')];
      expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('replaces an invalid one instead of echoing it', async () => {
      for (const given of ['has spaces in it', 'x'.repeat(65), '<script>']) {
        const response = await platform.http().get('/health').set('x-request-id', given);
        expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it('is on GraphQL responses too', async () => {
      const response = await platform.http().post('/graphql').set('content-type', 'application/json').set('x-request-id', 'gql-req-1').send({ query: '{ __typename }' });
      expect(response.headers['x-request-id']).toBe('gql-req-1');
    });
  });

  describe('GraphiQL', () => {
    let page: string;
    let assets: string[];

    beforeAll(async () => {
      const response = record('graphiql page', await platform.http().get('/graphql').set('accept', 'text/html'));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      page = response.text;
      assets = [...page.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    });

    it('is served on GET /graphql and loads nothing from outside the server', () => {
      expect(page).toContain('GraphiQL');
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const asset of assets) expect(asset).toMatch(/^\/graphiql\/[\w.-]+$/);
      expect(page).not.toMatch(/<(?:script|link)\b[^>]*\b(?:src|href)="(?:https?:)?\/\//);
      expect(page).not.toMatch(/@import\s+url\(\s*["']?(?:https?:)?\/\//);
    });

    it('serves every asset the page references, with its content type', async () => {
      for (const asset of assets) {
        const response = await platform.http().get(asset);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^application\/javascript/);
        expect(Number(response.headers['content-length'] ?? (response.body as Buffer).length)).toBeGreaterThan(1000);
      }
    });

    it('answers an unknown asset with a JSON 404 without a stack trace', async () => {
      for (const path of ['/graphiql/nope.js', '/graphiql/..%2Fpackage.json', '/graphiql/graphiql.min.js']) {
        const response = record(`asset ${path}`, await platform.http().get(path));
        expect(response.status).toBe(404);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body.error?.code ?? response.body.error).toBeTruthy();
        expect(response.text).not.toContain('stack');
      }
    });
  });

  describe('GraphQL protections', () => {
    it('tells every cache not to keep answers, which are per reader and may carry intelligence', async () => {
      const answer = await post('no-store answer', { query: '{ me { email } }' });
      expect(answer.body.data.me.email).toMatch(/@/);
      expect(answer.headers['cache-control']).toBe('no-store');
      const refused = await post('no-store refusal', { query: '{ me { email } }' }, null);
      expect(refused.headers['cache-control']).toBe('no-store');
    });

    it('refuses a GET query without a preflight header (CSRF prevention)', async () => {
      const response = record('csrf', await platform.http().get('/graphql').query({ query: '{ __typename }' }));
      expect(response.status).toBe(400);
      expect(response.text).not.toContain('"__typename"');
    });

    it('runs the same GET query when it carries apollo-require-preflight', async () => {
      const response = await platform.http().get('/graphql').query({ query: '{ __typename }' }).set('apollo-require-preflight', 'true');
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ __typename: 'Query' });
    });

    it('refuses a cross-site form POST (text/plain)', async () => {
      const response = record('csrf post', await platform.http().post('/graphql').set('content-type', 'text/plain').send('{"query":"{ __typename }"}'));
      expect(response.status).toBe(400);
    });

    it('runs a query at the depth limit', async () => {
      const response = await post('depth ok', { query: '{ me { email } }' });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.me.email).toMatch(/@jm\.test$/);
    });

    it.each([
      ['a plain selection', '{ me { agency { code } } }'],
      ['a fragment', '{ me { ...Who } } fragment Who on Principal { agency { code } }'],
      ['a nested fragment', '{ ...Root } fragment Root on Query { me { ...Agency } } fragment Agency on Principal { agency { code } }'],
      ['an inline fragment', '{ me { ... on Principal { agency { code } } } }'],
    ])('refuses a query deeper than GRAPHQL_MAX_DEPTH through %s', async (_what, query) => {
      const response = await post(`depth ${_what}`, { query });
      expect(response.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(response.body.errors[0].extensions).toMatchObject({ limit: 2, actual: 3 });
      expect(response.body.data).toBeUndefined();
    });

    it('refuses a query costlier than GRAPHQL_MAX_COMPLEXITY before running it', async () => {
      const aliases = Array.from({ length: 6 }, (_, i) => `m${i}: me { email }`).join(' ');
      const response = await post('complexity', { query: `{ ${aliases} }` });
      expect(response.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(response.body.errors[0].extensions.limit).toBe(10);
      expect(response.body.errors[0].extensions.actual).toBeGreaterThan(10);
      expect(response.body.data).toBeUndefined();

      const cheap = await post('complexity ok', { query: `{ ${aliases.split(' m3:')[0]} }` });
      expect(cheap.body.errors).toBeUndefined();
    });

    it('judges the same query text again for each set of variables, and refuses it again when repeated', async () => {
      // Verdicts are kept per parsed document and variables: a cheap run must not admit a costly one.
      const query = 'query($n: Int) { seizures(first: $n) { totalCount } }';
      const verdicts: (string | undefined)[] = [];
      for (const n of [5, 20, 5, 20]) {
        const response = await post(`complexity first ${n}`, { query, variables: { n } });
        verdicts.push(response.body.errors?.[0]?.extensions?.code);
        if (n === 20) expect(response.body.errors[0].extensions).toMatchObject({ limit: 10, actual: 21 });
      }
      expect(verdicts).toEqual([undefined, 'QUERY_TOO_COMPLEX', undefined, 'QUERY_TOO_COMPLEX']);
    });

    it('applies the limits before authentication', async () => {
      const response = await post('depth anonymous', { query: '{ me { agency { code } } }' }, null);
      expect(response.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('reports a syntax error as GRAPHQL_PARSE_FAILED without a stack trace', async () => {
      const response = await post('parse error', { query: '{ me { email ' });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(response.body.errors[0].extensions).not.toHaveProperty('stacktrace');
      expect(response.body.errors[0].extensions).not.toHaveProperty('exception');
    });

    it('reports an unknown field as GRAPHQL_VALIDATION_FAILED without a stack trace', async () => {
      const response = await post('validation error', { query: '{ me { password } }' });
      expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(response.body.errors[0].extensions).not.toHaveProperty('stacktrace');
    });

    it('refuses a malformed JSON body cleanly', async () => {
      const response = record('bad json', await platform.http().post('/graphql').set('content-type', 'application/json').send('{"query": '));
      expect(response.status).toBe(400);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const response = record('unknown route', await platform.http().get('/nowhere'));
      expect(response.status).toBe(404);
    });
  });

  it('leaks no stack frame and no SQL in any response body', () => {
    expect(bodies.length).toBeGreaterThan(15);
    for (const { what, text } of bodies) {
      expect({ what, frame: STACK_FRAME.test(text) }).toEqual({ what, frame: false });
      expect({ what, sql: /\bSELECT\s/i.test(text) }).toEqual({ what, sql: false });
    }
  });

  it('would notice a stack frame if there were one', () => {
    const error = new Error('boom');
    expect(STACK_FRAME.test(error.stack!)).toBe(true);
  });
});
