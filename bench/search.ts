/**
 * Search and statistics benchmark: Windward's seizure search page and statistics over GraphQL,
 * against the database floor (the same SQL sent directly with `pg`) and the framework floor (the
 * same GraphQL response from a bare Apollo Server on Fastify, 50 rows in memory), measured in the
 * same run on the same machine.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/search.js [--rows 1000000] [--keep]
 *
 * It creates a fresh database on DATABASE_URL's server (dropped at the end unless --keep), starts
 * Windward on it (no worker), makes an ELO of JM with an API key, loads --rows synthetic seizures
 * (bench/seizure-data.ts), then measures at 1 and 20 concurrent clients:
 *   (a) seizures(filter: FIREARMS in 5 countries, first: 50) over GraphQL/HTTP as the ELO;
 *   (b) seizureStats(groupBy: [COUNTRY, COMMODITY_CATEGORY]) over the last 12 months, same way,
 *       answered from the monthly pre-aggregates (seizure_stats_monthly) and, side by side in the
 *       same run, by the scan of `seizures` they replace (SeizureStatsAggregates switched off for
 *       those requests); both answers are checked to be the same buckets first;
 *   (c) the exact SQL and parameters Windward runs for (a) and for both forms of (b) (from the app's
 *       own services with the ELO's ability, the page reading every column), sent with a pg.Pool;
 *   (d) the (a) query against the framework floor.
 * Load generators run in a worker thread, so they do not share the server's event loop.
 *
 * NODE_ENV: --node-env production (the default: the Docker image's mode) or development. graphql-js
 * and Apollo Server read it when loaded, so the bench runs itself again in a child process with it
 * set, and in production with the image's NODE_OPTIONS (read from the Dockerfile; a NODE_OPTIONS
 * given wins, NODE_OPTIONS= none). Windward and the framework floor run in that one process, so
 * always in the same mode with the same flags, and Windward's config gets it too (production: with
 * a throwaway platform key passphrase).
 * The first line and the last print NODE_ENV, node flags, core count and whether pinned.
 *
 * Options: --rows N (1000000), --keep (leave the database), --countries JM,HT,DO,BS,TC (search
 * filter), --search-requests 300,2000 and --stats-requests 60,300 (timed requests at 1 and at 20
 * clients, after a warm-up), --search-warmup 200,3000 (the search warm-up at 1 and at 20 clients:
 * Windward's own code reaches V8's optimised tiers only after more requests than the floor's, which
 * shares graphql-js and Apollo with it; 200 at 20 clients left its first round cold), --budget 60
 * (seconds: a run stops early after this), --rounds 1 (repeat each group of compared measurements,
 * interleaved, and pool the results: use it on a busy machine), --only a,b,c,d, --pool 20 (pg.Pool size for c), --batch 5000, --seed, --no-explain,
 * --pin (Windward's thread on CPU 0, PostgreSQL and the load generators on CPU 1: the shape of a
 * database on its own cores), --random-page-cost 1.1 (set on the bench database, as for data on
 * SSD or in memory; "server" keeps the server's setting).
 * Each measurement also prints CPU milliseconds per request: Windward's thread, the process's other
 * threads (load generator, GC helpers), and PostgreSQL.
 * From these the report prints a search ceiling: the throughput Windward's search would reach at
 * 20 clients if its own work cost no more than the framework floor's, with the PostgreSQL work its
 * requests make today, on these cores (pinned: per core), as a share of the framework floor.
 * Windward's own pool is config's database.poolSize (DATABASE_POOL_SIZE, default 10).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import pg from 'pg';
import type { DataSource, Logger } from 'typeorm';
import { AccessService } from '../src/access/access.service.js';
import { AuthenticationService } from '../src/auth/authentication.service.js';
import type { RequestContext } from '../src/access/request-context.js';
import { SeizureSearchService, encodeCursor, filterConditions } from '../src/seizures/data/seizure-search.service.js';
import { SeizureStatsAggregates } from '../src/seizures/data/seizure-stats-aggregates.js';
import type { SeizureFilter } from '../src/seizures/api/seizure.inputs.js';
import { SeizureViews } from '../src/seizures/read/seizure-views.js';
import { startBenchPlatform } from './bench-platform.js';
import { cpuPerRequest, cpuSnapshot } from './cpu-meter.js';
import { pinForBenchmark, type Pinning } from './cpu-pinning.js';
import { startFrameworkFloor } from './framework-floor.js';
import type { LoadJob, LoadResult, LoadSettings } from './load-worker.js';
import { COMMODITY_WEIGHTS, SeizureGenerator, TLP_WEIGHTS, loadSeizures } from './seizure-data.js';

const ELO_AGENCY = 'JM';
const PAGE_SIZE = 50;
const SEARCH_QUERY =
  'query Search($filter: SeizureFilter) { seizures(filter: $filter, first: 50) { edges { node { id reference tlp seizedAt country ' +
  'commodity { category } quantity { value unit } redactedFields } } pageInfo { endCursor } } }';
const STATS_QUERY =
  'query Stats($filter: SeizureFilter) { seizureStats(filter: $filter, groupBy: [COUNTRY, COMMODITY_CATEGORY]) { keys count totalQuantity totalValue } }';

interface Options {
  rows: number;
  keep: boolean;
  countries: string[];
  searchRequests: [number, number];
  statsRequests: [number, number];
  searchWarmup: [number, number];
  budgetSeconds: number;
  seed: number;
  batch: number;
  pool: number;
  explain: boolean;
  /** Which measurements to run: a, b, c, d. */
  only: Set<string>;
  rounds: number;
  pin: boolean;
  /** random_page_cost of the bench database; null leaves the server's. */
  randomPageCost: number | null;
  /** The mode both servers run in (graphql-js and Apollo read NODE_ENV when loaded, Windward's config at start). */
  nodeEnv: 'production' | 'development';
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      keep: { type: 'boolean', default: false },
      countries: { type: 'string', default: 'JM,HT,DO,BS,TC' },
      'search-requests': { type: 'string', default: '300,2000' },
      'stats-requests': { type: 'string', default: '60,300' },
      'search-warmup': { type: 'string', default: '200,3000' },
      budget: { type: 'string', default: '60' },
      seed: { type: 'string', default: '20261124' },
      batch: { type: 'string', default: '5000' },
      pool: { type: 'string', default: '20' },
      'no-explain': { type: 'boolean', default: false },
      only: { type: 'string', default: 'a,b,c,d' },
      rounds: { type: 'string', default: '1' },
      pin: { type: 'boolean', default: false },
      'random-page-cost': { type: 'string', default: '1.1' },
      'node-env': { type: 'string', default: 'production' },
    },
  });
  if (values['node-env'] !== 'production' && values['node-env'] !== 'development') throw new Error('--node-env is production or development');
  const int = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return value;
  };
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, or "server"`);
    return value;
  };
  const pair = (name: string, text: string): [number, number] => {
    const parts = text.split(',');
    if (parts.length !== 2) throw new Error(`--${name} takes two counts: at 1 client,at 20 clients`);
    return [int(name, parts[0], 1), int(name, parts[1], 1)];
  };
  return {
    rows: int('rows', values.rows, 1),
    keep: values.keep,
    countries: values.countries.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean),
    searchRequests: pair('search-requests', values['search-requests']),
    statsRequests: pair('stats-requests', values['stats-requests']),
    searchWarmup: pair('search-warmup', values['search-warmup']),
    budgetSeconds: int('budget', values.budget, 1),
    seed: int('seed', values.seed, 0),
    batch: int('batch', values.batch, 1),
    pool: int('pool', values.pool, 1),
    explain: !values['no-explain'],
    only: new Set(values.only.split(',').map((m) => m.trim().toLowerCase())),
    rounds: int('rounds', values.rounds, 1),
    pin: values.pin,
    randomPageCost: values['random-page-cost'] === 'server' ? null : positive('random-page-cost', values['random-page-cost']),
    nodeEnv: values['node-env'],
  };
}

const nodeFlags = () => [process.execArgv.join(' '), process.env.NODE_OPTIONS ? `NODE_OPTIONS=${process.env.NODE_OPTIONS}` : ''].filter(Boolean).join(' ') || '(none)';
const out = (line = '') => process.stdout.write(`${line}\n`);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const load1 = () => os.loadavg()[0].toFixed(2);
const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/** Runs `action` and returns the SQL it sent through TypeORM (every query goes through logQuery). */
async function captureQueries<T>(dataSource: DataSource, action: () => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }> {
  const logger: Logger = dataSource.logger;
  const hadOwn = Object.hasOwn(logger, 'logQuery');
  const original = logger.logQuery;
  const queries: CapturedQuery[] = [];
  logger.logQuery = function (query, parameters, runner) {
    queries.push({ sql: query, params: Array.isArray(parameters) ? parameters : [] });
    return original.call(this, query, parameters, runner);
  };
  try {
    return { result: await action(), queries };
  } finally {
    if (hadOwn) logger.logQuery = original;
    else delete (logger as Partial<Logger>).logQuery;
  }
}

/** An object's own and prototype getters' values, as a plain object. */
function plainObject(value: object): Record<string, unknown> {
  const plain: Record<string, unknown> = { ...value };
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (!prototype || prototype === Object.prototype) return plain;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name !== 'constructor') plain[name] = (value as Record<string, unknown>)[name];
  }
  return plain;
}

function onlySeizureQuery(what: string, queries: CapturedQuery[]): CapturedQuery {
  const found = queries.filter((q) => /\sFROM\s+(?:"public"\.)?"seizures"/i.test(q.sql));
  if (found.length !== 1) {
    throw new Error(`${what}: expected one query on seizures, captured ${found.length} of ${queries.length}: ${queries.map((q) => q.sql.slice(0, 300)).join(' | ')}`);
  }
  return found[0];
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
    let result: LoadResult | null = null;
    worker.once('message', (message: LoadResult) => (result = message));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load worker exited with code ${code} and no result`))));
  });
}

/** One measured round: the load result, the 1-minute load average at its start, and this thread's CPU ms per request. */
interface Round {
  result: LoadResult;
  load1: string;
  /** CPU milliseconds per request: this process's main thread, its other threads, PostgreSQL. */
  mainMs: number;
  otherMs: number;
  postgresMs: number;
}

interface Measurement {
  key: string;
  label: string;
  clients: number;
  rounds: number;
  n: number;
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  /** 1-minute load average when each round started. */
  load1: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Latencies of all rounds pooled; throughput = all requests / all measured wall time. */
function summarize(key: string, label: string, clients: number, rounds: Round[]): Measurement {
  const sorted = rounds.flatMap((r) => r.result.latencies).sort((x, y) => x - y);
  const wallMs = rounds.reduce((sum, r) => sum + r.result.wallMs, 0);
  return {
    key,
    label,
    clients,
    rounds: rounds.length,
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    rps: (sorted.length * 1000) / wallMs,
    errors: rounds.reduce((sum, r) => sum + r.result.errors, 0),
    load1: rounds.map((r) => r.load1),
  };
}

/**
 * The most Windward's search could reach on this machine if its own work cost nothing beyond the
 * framework floor's, from CPU per request at 20 clients: the floor's thread and its load generator
 * (which sends the request), plus the PostgreSQL work Windward's request makes today (its page and
 * its credential lookup, from a). Not pinned, all of it shares every core; pinned, the server's
 * thread has CPU 0 and PostgreSQL shares CPU 1 with the load generators. It assumes no core idles.
 */
function searchCeiling<P extends { key: string; job: { concurrency: number } }>(planned: P[], rounds: Map<P, Round[]>, floorRps: number | undefined, pinned: boolean): void {
  const at20 = (key: string) => {
    const found = planned.find((p) => p.key === key && p.job.concurrency === 20);
    return (found && rounds.get(found)) ?? [];
  };
  const [floor, windward] = [at20('d'), at20('a')];
  if (!floor.length || !windward.length || !floorRps) return;
  const mean = (rs: Round[], part: (r: Round) => number) => rs.reduce((sum, r) => sum + part(r), 0) / rs.length;
  const framework = mean(floor, (r) => r.mainMs);
  const loadGenerator = mean(floor, (r) => r.otherMs);
  const postgres = mean(windward, (r) => r.postgresMs);
  const cores = os.cpus().length;
  const ceiling = pinned ? Math.min(1000 / framework, 1000 / (postgres + loadGenerator)) : (cores * 1000) / (framework + loadGenerator + postgres);
  const how = pinned
    ? `CPU 0: the framework floor's thread ${framework.toFixed(2)} ms; CPU 1: Windward's PostgreSQL work ${postgres.toFixed(2)} + the load generator's ${loadGenerator.toFixed(2)} ms`
    : `${cores} cores over the framework floor's thread ${framework.toFixed(2)} + its load generator's ${loadGenerator.toFixed(2)} + Windward's PostgreSQL work ${postgres.toFixed(2)} ms`;
  out(`  search ceiling at 20 clients, per request ${how}: at most ${ceiling.toFixed(0)} req/s = ${(ceiling / floorRps).toFixed(2)} of the framework floor`);
}

async function measureOnce(label: string, job: LoadJob, round: string): Promise<Round> {
  const before = load1();
  const cpuBefore = cpuSnapshot();
  const result = await runLoad(job);
  const cpuAfter = cpuSnapshot();
  const requests = job.warmup + result.latencies.length + result.errors;
  const cpu = cpuPerRequest(cpuBefore, cpuAfter, requests);
  if (result.errors > 0) out(`  ! ${label} x${job.concurrency}: ${result.errors} errors, first: ${result.firstError}`);
  const sorted = [...result.latencies].sort((x, y) => x - y);
  const rps = (sorted.length * 1000) / result.wallMs;
  out(
    `  ${round}${label.padEnd(44)} ${String(job.concurrency).padStart(2)} clients  n=${String(sorted.length).padStart(5)}  ` +
      `p50 ${ms(percentile(sorted, 0.5)).padStart(6)} ms  p99 ${ms(percentile(sorted, 0.99)).padStart(6)} ms  ${rps.toFixed(1).padStart(8)} req/s  (load1 ${before})`,
  );
  out(`      ${cpu}`);
  const perRequest = (ms: number) => (requests > 0 ? ms / requests : Number.NaN);
  const mainMs = perRequest(cpuAfter.mainThreadMs - cpuBefore.mainThreadMs);
  return {
    result,
    load1: before,
    mainMs,
    otherMs: perRequest(cpuAfter.processMs - cpuBefore.processMs) - mainMs,
    postgresMs: perRequest(cpuAfter.postgresMs - cpuBefore.postgresMs),
  };
}

async function explain(connectionString: string, title: string, query: CapturedQuery): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(query.sql, query.params); // warm the cache
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params);
    out(`EXPLAIN ANALYZE, ${title}:`);
    for (const row of rows) out(`  ${row['QUERY PLAN']}`);
  } finally {
    await client.end();
  }
}

async function serverFacts(connectionString: string): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; sb: string; wm: string; jit: string; pw: string; ecs: string }>(
      `SELECT split_part(version(), ' on ', 1) AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm,
              current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS pw, current_setting('effective_cache_size') AS ecs`,
    );
    const r = rows[0];
    return [`${r.v}, shared_buffers ${r.sb}, work_mem ${r.wm}, effective_cache_size ${r.ecs}, jit ${r.jit}, max_parallel_workers_per_gather ${r.pw}`];
  } finally {
    await client.end();
  }
}

/** NODE_OPTIONS as the Docker image sets them (its runtime stage's ENV), or null. */
function imageNodeOptions(): string | null {
  try {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    return /\bNODE_OPTIONS=("[^"]*"|\S+)/.exec(runtime)?.[1].replace(/^"|"$/g, '') ?? null;
  } catch {
    return null;
  }
}

/**
 * graphql-js and Apollo Server read NODE_ENV once, when loaded (already done by this module's
 * imports), and V8 reads its heap flags at start: the measuring runs in a child process with
 * NODE_ENV set and, in production, the image's NODE_OPTIONS (unless NODE_OPTIONS is given).
 */
async function inChild(nodeEnv: string): Promise<number | null> {
  if (process.env.WINDWARD_BENCH_CHILD) return null;
  const nodeOptions = process.env.NODE_OPTIONS ?? (nodeEnv === 'production' ? imageNodeOptions() : null);
  const env = { ...process.env, NODE_ENV: nodeEnv, WINDWARD_BENCH_CHILD: '1', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const options = readOptions();
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a PostgreSQL server (a fresh database is created on it)');
  const childExit = await inChild(options.nodeEnv);
  if (childExit !== null) return childExit;
  out(`search benchmark: ${options.rows.toLocaleString('en-US')} seizures, node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${loadavg()}`);
  // Both servers run in this process, so in the same mode; Windward's config gets the same NODE_ENV.
  out(`NODE_ENV ${process.env.NODE_ENV ?? '(unset)'} for Windward and the framework floor alike; node flags ${nodeFlags()}; ${os.cpus().length} cores; ${options.pin ? 'pinned (--pin)' : 'not pinned'}`);
  for (const line of await serverFacts(process.env.DATABASE_URL)) out(`server: ${line}`);

  const platform = await startBenchPlatform({
    keepDatabase: options.keep,
    randomPageCost: options.randomPageCost ?? undefined,
    nodeEnv: options.nodeEnv === 'production' ? 'production' : 'test',
  });
  out(`windward config NODE_ENV ${platform.server.runtime.config.nodeEnv}`);
  out(`bench database: random_page_cost ${options.randomPageCost ?? "the server's"}`);
  const closers: (() => Promise<void>)[] = [];
  try {
    const { server } = platform;
    const dataSource = server.runtime.dataSource;
    const connectionString = server.runtime.connection.pg.connectionString;
    if (!connectionString) throw new Error('the bench platform has no database URL');
    const url = `${server.url.replace('//localhost:', '//127.0.0.1:')}/graphql`;
    out(`windward: ${url} on database ${platform.databaseName} (pool ${server.runtime.config.database.poolSize} connections)`);
    const key = await platform.apiKeyFor(ELO_AGENCY, ['ELO']);

    // --- Data --------------------------------------------------------------------------------------
    const now = new Date();
    const generator = new SeizureGenerator({ seed: options.seed, rows: options.rows, years: 3, now });
    let nextReport = options.rows / 10;
    const loaded = await loadSeizures(connectionString, options.rows, generator, {
      batchSize: options.batch,
      progress: (done) => {
        if (done >= nextReport && done < options.rows) {
          out(`  loaded ${done.toLocaleString('en-US')} rows`);
          nextReport += options.rows / 10;
        }
      },
    });
    const perSecond = (loaded.rows * 1000) / loaded.insertMs;
    out(
      `load: ${loaded.rows.toLocaleString('en-US')} rows inserted in ${(loaded.insertMs / 1000).toFixed(1)} s (${Math.round(perSecond).toLocaleString('en-US')} rows/s, ` +
        `multi-row INSERT ... unnest of ${options.batch}, secondary indexes dropped); ` +
        `${loaded.indexes.length} indexes rebuilt in ${(loaded.indexMs / 1000).toFixed(1)} s; VACUUM ANALYZE ${(loaded.vacuumAnalyzeMs / 1000).toFixed(1)} s; ` +
        `total ${(loaded.totalMs / 1000).toFixed(1)} s = ${Math.round((loaded.rows * 1000) / loaded.totalMs).toLocaleString('en-US')} rows/s end to end`,
    );
    out(`  indexes: ${loaded.indexes.map((i) => `${i.name} ${(i.ms / 1000).toFixed(1)} s`).join(', ')}`);
    out(`  table ${(loaded.tableBytes / 2 ** 20).toFixed(0)} MiB, indexes ${(loaded.indexBytes / 2 ** 20).toFixed(0)} MiB; load average ${loadavg()}`);
    const share = generator.countryShare(options.countries);
    const visible = (TLP_WEIGHTS.CLEAR + TLP_WEIGHTS.GREEN) / 100;
    out(
      `  search filter FIREARMS in ${options.countries.join(', ')}: ~${(share * 100).toFixed(1)}% of reports in those countries x ${COMMODITY_WEIGHTS.FIREARMS}% FIREARMS ` +
        `x >=${(visible * 100).toFixed(0)}% visible (CLEAR+GREEN) -> ~${Math.round(options.rows * share * (COMMODITY_WEIGHTS.FIREARMS / 100) * visible * 0.97).toLocaleString('en-US')}+ matching rows`,
    );

    // --- The SQL Windward runs, with the ELO's own ability ----------------------------------------
    const principal = await server.app.get(AuthenticationService).authenticate(`Bearer ${key}`);
    const ctx: RequestContext = { principal, ability: await server.app.get(AccessService).abilityFor(principal), requestId: 'bench' };
    const search = server.app.get(SeizureSearchService);
    const searchFilter: SeizureFilter = { commodityCategories: ['FIREARMS'], countries: options.countries };
    const seizedFrom = new Date(now.getTime() - 365 * 24 * 3600_000);
    const statsFilter: SeizureFilter = { seizedFrom };
    // The page's statement comes from the service that runs it (every column: the floor reads the whole row).
    const pageStatement = search.pageStatement(ctx, searchFilter, PAGE_SIZE);
    const pageSql: CapturedQuery = { sql: pageStatement.sql, params: pageStatement.params };
    const firstPage = await search.page(ctx, searchFilter, PAGE_SIZE);
    // The statistics twice: from the aggregates, and the scan they replace (aggregates off).
    const aggregates = server.app.get(SeizureStatsAggregates);
    const aggregateStatement = aggregates.statement(ctx.ability, statsFilter, ['COUNTRY', 'COMMODITY_CATEGORY'], filterConditions);
    if (!aggregateStatement) throw new Error('the aggregates do not answer the dashboard statistics');
    const aggregateSql: CapturedQuery = { sql: aggregateStatement.sql, params: aggregateStatement.params };
    const aggregateBuckets = await search.stats(ctx, statsFilter, ['COUNTRY', 'COMMODITY_CATEGORY']);
    aggregates.enabled = false;
    const statsCapture = await captureQueries(dataSource, () => search.stats(ctx, statsFilter, ['COUNTRY', 'COMMODITY_CATEGORY'])).finally(() => {
      aggregates.enabled = true;
    });
    const statsSql = onlySeizureQuery('stats', statsCapture.queries);
    const [aggregateSize] = await dataSource.query<{ rows: string; bytes: string }[]>(
      "SELECT count(*) AS rows, pg_total_relation_size('seizure_stats_monthly') AS bytes FROM seizure_stats_monthly",
    );
    out();
    out(`search SQL (${firstPage.rows.length} rows, hasNextPage ${firstPage.hasNextPage}):`);
    out(`  ${pageSql.sql}`);
    out(`  params ${JSON.stringify(pageSql.params)}`);
    out(`stats SQL, scan (${statsCapture.result.length} buckets):`);
    out(`  ${statsSql.sql}`);
    out(`  params ${JSON.stringify(statsSql.params)}`);
    out(
      `stats SQL, aggregates (${aggregateBuckets.length} buckets; seizure_stats_monthly ${Number(aggregateSize.rows).toLocaleString('en-US')} rows, ` +
        `${(Number(aggregateSize.bytes) / 2 ** 20).toFixed(0)} MiB with indexes):`,
    );
    out(`  ${aggregateSql.sql}`);
    out(`  params ${JSON.stringify(aggregateSql.params)}`);
    const sameBuckets = sameStatistics(aggregateBuckets, statsCapture.result);
    out(`aggregates answer the same buckets as the scan: ${sameBuckets ? 'yes' : 'NO'}`);
    if (!sameBuckets) throw new Error('the aggregates do not answer what the scan answers');
    if (options.explain) {
      await explain(connectionString, 'search page', pageSql);
      await explain(connectionString, 'statistics, scan', statsSql);
      await explain(connectionString, 'statistics, aggregates', aggregateSql);
    }

    // --- Check both GraphQL queries answer, and build the framework floor's page ---------------------
    const searchBody = JSON.stringify({ query: SEARCH_QUERY, variables: { filter: searchFilter } });
    const statsBody = JSON.stringify({ query: STATS_QUERY, variables: { filter: { seizedFrom: seizedFrom.toISOString() } } });
    const post = async (target: string, body: string) => {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
      const text = await response.text();
      const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: { message: string }[] };
      if (response.status !== 200 || parsed.errors?.length || !parsed.data) throw new Error(`${target}: HTTP ${response.status} ${text.slice(0, 500)}`);
      return { text, data: parsed.data };
    };
    const windwardSearch = await post(url, searchBody);
    const windwardStats = await post(url, statsBody);
    aggregates.enabled = false;
    const scannedStats = await post(url, statsBody).finally(() => {
      aggregates.enabled = true;
    });
    if (!sameStatistics(windwardStats.data.seizureStats as StatBucketLike[], scannedStats.data.seizureStats as StatBucketLike[])) {
      throw new Error('over GraphQL, the aggregates do not answer what the scan answers');
    }
    const edges = (windwardSearch.data.seizures as { edges: unknown[] }).edges.length;
    out();
    out(`GraphQL check: search ${edges} edges, ${windwardSearch.text.length} bytes; stats ${(windwardStats.data.seizureStats as unknown[]).length} buckets, ${windwardStats.text.length} bytes`);

    // Plain data, every field computed once here: the floor serves from memory and builds nothing per request.
    const views = firstPage.rows.map((row) => ({ cursor: encodeCursor(row), node: plainObject(server.app.get(SeizureViews).view(ctx, row)) }));
    const floorPage = { edges: views, pageInfo: { hasNextPage: firstPage.hasNextPage, endCursor: views.length ? views[views.length - 1].cursor : null } };
    const floor = await startFrameworkFloor(printSchema(server.app.get(GraphQLSchemaHost).schema), floorPage);
    closers.push(() => floor.close());
    const floorSearch = await post(floor.url, searchBody);
    const same = JSON.stringify(floorSearch.data) === JSON.stringify(windwardSearch.data);
    out(`framework floor: ${floor.url}, same response as Windward: ${same ? 'yes' : 'NO'} (${floorSearch.text.length} bytes)`);
    if (!same) throw new Error('the framework floor does not answer what Windward answers');

    // --- Measurements -------------------------------------------------------------------------------
    const budgetMs = options.budgetSeconds * 1000;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    let pinning: Pinning | null = null;
    if (options.pin) {
      pinning = pinForBenchmark();
      const pinned = pinning;
      closers.push(async () => pinned.release());
      out(`pinned: this thread (Windward, the framework floor) on CPU ${pinned.serverCpu}; PostgreSQL and the load generators on CPU ${pinned.otherCpu}`);
    } else {
      out(`pinned: no (--pin not given): Windward, PostgreSQL and the load generators share the ${os.cpus().length} CPUs`);
    }
    const settings = (clients: number, counts: [number, number], warmups: [number, number]): LoadSettings => {
      const i = clients === 1 ? 0 : 1;
      return { concurrency: clients, count: counts[i], warmup: warmups[i], budgetMs, cpu: pinning?.otherCpu };
    };
    const searchWarmup = options.searchWarmup;
    const statsWarmup: [number, number] = [3, 20];
    const run = (which: string) => options.only.has(which);
    interface Planned {
      key: string;
      label: string;
      job: LoadJob;
      /** Statistics from the aggregates (default) or the scan, for this measurement. */
      aggregates?: boolean;
    }
    // Grouped so that what is compared runs back to back, and repeated (--rounds) so that a change
    // in the machine's load hits both sides of a ratio alike.
    const groups: Planned[][] = [];
    for (const clients of [1, 20]) {
      const group: Planned[] = [];
      if (run('a')) group.push({ key: 'a', label: '(a) search, GraphQL via Windward', job: { kind: 'http', url, body: searchBody, headers, ...settings(clients, options.searchRequests, searchWarmup) } });
      if (run('c')) {
        group.push({
          key: 'cs',
          label: '(c) search, same SQL via pg',
          job: { kind: 'sql', connectionString, poolSize: options.pool, sql: pageSql.sql, params: pageSql.params, ...settings(clients, options.searchRequests, searchWarmup) },
        });
      }
      if (run('d')) {
        group.push({ key: 'd', label: '(d) search, GraphQL via bare Apollo+Fastify', job: { kind: 'http', url: floor.url, body: searchBody, headers, ...settings(clients, options.searchRequests, searchWarmup) } });
      }
      groups.push(group);
    }
    for (const clients of [1, 20]) {
      const group: Planned[] = [];
      if (run('b')) {
        group.push({ key: 'b', label: '(b) statistics, GraphQL, aggregates', job: { kind: 'http', url, body: statsBody, headers, ...settings(clients, options.statsRequests, statsWarmup) } });
        group.push({
          key: 'bs',
          label: '(b) statistics, GraphQL, scan',
          aggregates: false,
          job: { kind: 'http', url, body: statsBody, headers, ...settings(clients, options.statsRequests, statsWarmup) },
        });
      }
      if (run('c')) {
        group.push({
          key: 'cq',
          label: '(c) statistics, aggregates SQL via pg',
          job: { kind: 'sql', connectionString, poolSize: options.pool, sql: aggregateSql.sql, params: aggregateSql.params, ...settings(clients, options.statsRequests, statsWarmup) },
        });
        group.push({
          key: 'cx',
          label: '(c) statistics, scan SQL via pg',
          job: { kind: 'sql', connectionString, poolSize: options.pool, sql: statsSql.sql, params: statsSql.params, ...settings(clients, options.statsRequests, statsWarmup) },
        });
      }
      groups.push(group);
    }
    out();
    out(
      `measuring, ${options.rounds} round(s) (each: warm-up, then a fixed number of requests, stopping early after ${options.budgetSeconds} s; ` +
        'Windward and the floors run on this thread, the load generators in a worker thread):',
    );
    const rounds = new Map<Planned, Round[]>();
    for (const group of groups) {
      for (let round = 1; round <= options.rounds; round += 1) {
        for (const planned of group) {
          aggregates.enabled = planned.aggregates ?? true;
          const done = await measureOnce(planned.label, planned.job, options.rounds > 1 ? `[${round}] ` : '').finally(() => {
            aggregates.enabled = true;
          });
          rounds.set(planned, [...(rounds.get(planned) ?? []), done]);
        }
      }
    }
    const results = groups.flat().map((planned) => summarize(planned.key, planned.label, planned.job.concurrency, rounds.get(planned) ?? []));

    // --- Report -------------------------------------------------------------------------------------
    const get = (key: string, clients: number) => results.find((r) => r.key === key && r.clients === clients);
    out();
    out(`results at ${options.rows.toLocaleString('en-US')} rows (load average now ${loadavg()}):`);
    out(`  ${'measurement'.padEnd(44)} clients      n   p50 ms   p99 ms      req/s  errors  load1 at start`);
    for (const r of results) {
      out(
        `  ${r.label.padEnd(44)} ${String(r.clients).padStart(7)} ${String(r.n).padStart(6)} ${ms(r.p50).padStart(8)} ${ms(r.p99).padStart(8)} ` +
          `${r.rps.toFixed(1).padStart(10)} ${String(r.errors).padStart(7)}  ${r.load1.join(' ')}`,
      );
    }
    const ratioLine = (name: string, x: string, y: string) => {
      const [x1, y1, x20, y20] = [get(x, 1), get(y, 1), get(x, 20), get(y, 20)];
      if (!x1 || !y1 || !x20 || !y20) return;
      out(
        `  ${name.padEnd(22)} p50 x${(x1.p50 / y1.p50).toFixed(2)} at 1 client, x${(x20.p50 / y20.p50).toFixed(2)} at 20; ` +
          `throughput ${(x1.rps / y1.rps).toFixed(2)} at 1 client, ${(x20.rps / y20.rps).toFixed(2)} at 20`,
      );
    };
    out();
    out('ratios (p50: how many times slower; throughput: share of the floor):');
    ratioLine('a/c search vs SQL', 'a', 'cs');
    ratioLine('a/d search vs Apollo', 'a', 'd');
    ratioLine('b/c stats vs SQL', 'b', 'cq');
    // Round by round: a change in the machine's load between rounds shows here, not in the pooled figure.
    const perRound = (clients: number) => {
      const a = groups.flat().find((p) => p.key === 'a' && p.job.concurrency === clients);
      const d = groups.flat().find((p) => p.key === 'd' && p.job.concurrency === clients);
      const ra = a ? rounds.get(a) : undefined;
      const rd = d ? rounds.get(d) : undefined;
      if (!ra || !rd) return;
      const rps = (r: LoadResult) => (r.latencies.length * 1000) / r.wallMs;
      out(`  a/d throughput at ${clients} client(s), round by round: ${ra.map((x, i) => (rps(x.result) / rps(rd[i].result)).toFixed(2)).join(' ')}`);
      // What a thread of its own would give each server: on a busy machine the throughput ratio also
      // measures who got the cores (and PostgreSQL's latency); this one measures the work.
      const mean = (rs: Round[]) => rs.reduce((sum, r) => sum + r.mainMs, 0) / rs.length;
      out(
        `  d/a main-thread CPU per request at ${clients} client(s): ${(mean(rd) / mean(ra)).toFixed(2)} (${mean(rd).toFixed(2)} / ${mean(ra).toFixed(2)} ms; ` +
          `round by round ${ra.map((x, i) => (rd[i].mainMs / x.mainMs).toFixed(2)).join(' ')})`,
      );
    };
    perRound(1);
    perRound(20);
    searchCeiling(groups.flat(), rounds, get('d', 20)?.rps, options.pin);
    ratioLine('b scan vs its SQL', 'bs', 'cx');
    const speedUp = (name: string, fast: string, slow: string) => {
      const [f1, s1, f20, s20] = [get(fast, 1), get(slow, 1), get(fast, 20), get(slow, 20)];
      if (!f1 || !s1) return;
      out(
        `  ${name.padEnd(22)} speed-up over the scan: p50 x${(s1.p50 / f1.p50).toFixed(1)} at 1 client` +
          (f20 && s20 ? `, x${(s20.p50 / f20.p50).toFixed(1)} at 20; throughput x${(f20.rps / s20.rps).toFixed(1)} at 20` : ''),
      );
    };
    speedUp('b stats aggregates', 'b', 'bs');
    speedUp('c stats aggregates SQL', 'cq', 'cx');

    const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
    const [a1, a20, d20, b1, b20, cq1, cq20] = [get('a', 1), get('a', 20), get('d', 20), get('b', 1), get('b', 20), get('cq', 1), get('cq', 20)];
    out();
    out('targets:');
    if (a1) {
      out(
        `  search page p50 < 25 ms at 1,000,000 rows: ${ms(a1.p50)} ms at 1 client -> ${verdict(a1.p50 < 25)}` +
          (options.rows === 1_000_000 ? '' : ` (measured at ${options.rows.toLocaleString('en-US')} rows: indicative only)`),
      );
    }
    if (a20 && d20) {
      const share = a20.rps / d20.rps;
      out(`  search throughput >= 0.8 of the framework floor at 20 clients (NODE_ENV ${process.env.NODE_ENV}, ${options.pin ? 'pinned' : 'not pinned'}): ${share.toFixed(2)} -> ${verdict(share >= 0.8)}`);
    }
    const bs1 = get('bs', 1);
    if (b1) {
      out(
        `  statistics p50 <= 100 ms at 1 client at 1,000,000 rows: ${ms(b1.p50)} ms from the aggregates` +
          (bs1 ? ` (the scan: ${ms(bs1.p50)} ms, x${(bs1.p50 / b1.p50).toFixed(1)})` : '') +
          ` -> ${verdict(b1.p50 <= 100)}` +
          (options.rows === 1_000_000 ? '' : ` (measured at ${options.rows.toLocaleString('en-US')} rows: indicative only)`),
      );
    }
    if (b1 && b20 && cq1 && cq20) {
      const latency = b1.p50 / cq1.p50;
      const throughput = cq20.rps / b20.rps;
      out(
        `  statistics within 1.5x of raw SQL: p50 x${latency.toFixed(2)} at 1 client, throughput x${throughput.toFixed(2)} at 20 clients -> ` +
          verdict(latency <= 1.5 && throughput <= 1.5),
      );
    }
    out(`mode: NODE_ENV ${process.env.NODE_ENV}, node flags ${nodeFlags()}, ${os.cpus().length} cores, ${options.pin ? 'pinned' : 'not pinned'}, ${options.rounds} round(s)`);
    if (options.keep) out(`kept database ${platform.databaseName}`);
    return 0;
  } finally {
    for (const close of closers) await close();
    await platform.close();
  }
}

interface StatBucketLike {
  keys: string[];
  count: number;
  totalQuantity: number | null;
  totalValue: number | null;
}

/** Same buckets in the same order; quantities to 1e-9 (the scan adds binary floating point in row order, the aggregates exact decimals). */
function sameStatistics(a: StatBucketLike[], b: StatBucketLike[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      const close = x.totalQuantity === null ? y.totalQuantity === null : y.totalQuantity !== null && Math.abs(x.totalQuantity - y.totalQuantity) <= 1e-9 * Math.max(1, Math.abs(y.totalQuantity));
      return JSON.stringify(x.keys) === JSON.stringify(y.keys) && x.count === y.count && x.totalValue === y.totalValue && close;
    })
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`search benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
