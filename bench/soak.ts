/**
 * Soak: `windward serve` (a child process, as in production) under mixed load for a while, printing
 * its memory over time, error counts and latency percentiles. A script, not a test:
 *
 *   npm run build
 *   node dist/bench/soak.js [--minutes 10] [--clients 20] [--sample-seconds 15]                    # embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/soak.js [--minutes 10]  # PostgreSQL
 *
 * The load is a mix per client request: 25% submitSeizure, 40% a search page, 10% statistics,
 * 15% one report by id, 10% `me`. Every sample line gives the server's RSS (from /proc), its V8 heap
 * and external memory (from /metrics), requests and errors in the interval, and p50/p99 of the
 * interval; the last lines sum up the run. A fresh database (or DATA_DIR) is made and removed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServer } from '../src/app/server.js';
import { ApiKeysService } from '../src/auth/api-keys.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { UsersService } from '../src/users/users.service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const MINUTES = option('minutes', 10);
const CLIENTS = option('clients', 20);
const SAMPLE_SECONDS = option('sample-seconds', 15);

const SUBMIT = 'mutation($input: SeizureInput!) { submitSeizure(input: $input) { id } }';
const SEARCH = 'query($filter: SeizureFilter) { seizures(filter: $filter, first: 50) { totalCount edges { node { id reference tlp seizedAt country commodity { category type } quantity { value unit } redactedFields } } } }';
const STATS = 'query { seizureStats(groupBy: [COUNTRY, COMMODITY_CATEGORY]) { keys count totalQuantity totalValue } }';
const ONE = 'query($id: ID!) { seizure(id: $id) { id reference tlp country commodity { category } sensitive { narrative } } }';
const ME = '{ me { email roles agency { code } } }';

const COUNTRIES = ['JM', 'KY', 'TT', 'BS', 'BB'];
const CATEGORIES = ['FIREARMS', 'DRUGS', 'AMMUNITION', 'CURRENCY', 'TOBACCO'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER'];

let counter = 0;
function seizureInput(agency: string): Record<string, unknown> {
  counter += 1;
  const category = CATEGORIES[counter % CATEGORIES.length];
  return {
    reference: `SOAK-${randomBytes(6).toString('hex')}`,
    tlp: TLPS[counter % TLPS.length],
    seizedAt: new Date(Date.UTC(2025, counter % 12, 1 + (counter % 28), 8)).toISOString(),
    country: agency,
    transportMode: 'SEA',
    concealment: 'CONTAINER_STRUCTURE',
    detectionMethod: 'NII_XRAY',
    commodity: { category, type: category.toLowerCase() },
    quantity: { value: 1 + (counter % 50), unit: { DRUGS: 'KG', CURRENCY: 'CURRENCY_AMOUNT', TOBACCO: 'STICKS', AMMUNITION: 'ROUNDS' }[category] ?? 'ITEMS' },
    estimatedValue: { amount: 1000 * (1 + (counter % 20)), currency: 'USD' },
    evaluation: { scheme: 'ADMIRALTY_6X6', source: 'B', information: '2' },
    sensitive: { narrative: `Soak narrative ${counter}`, persons: [{ name: `Person ${counter}`, nationality: agency, role: 'courier' }], companies: [], identifiers: [] },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The server's /metrics needs this in production (METRICS_TOKEN). */
const METRICS_TOKEN = randomBytes(24).toString('hex');

async function heapMb(url: string): Promise<{ heap: number; external: number }> {
  try {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0) / 1024 / 1024;
    return { heap: Math.round(value('windward_nodejs_heap_size_used_bytes')), external: Math.round(value('windward_nodejs_external_memory_bytes')) };
  } catch {
    return { heap: -1, external: -1 };
  }
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-soak-'));
  let databaseUrl = '';
  let drop = async () => undefined as unknown;
  if (base) {
    const name = `windward_soak_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, REDIS_PREFIX: `windward-soak-${randomBytes(4).toString('hex')}`, PLATFORM_KEY_PASSPHRASE: `soak-${randomBytes(12).toString('hex')}` };
  // Users and keys first, in this process; then the server runs alone on the same storage.
  const setup = await startServer(loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env }), { worker: false });
  const keys: { agency: string; key: string }[] = [];
  for (const agency of ['JM', 'KY', 'TT', 'BS']) {
    const email = `soak-${agency.toLowerCase()}@soak.bench`;
    await setup.app.get(UsersService).createOrGet({ agencyCode: agency, email, roles: ['ELO'] });
    keys.push({ agency, key: (await setup.app.get(ApiKeysService).create(email)).key });
  }
  await setup.close();

  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'serve'], {
    env: { ...inherited, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let logLines = 0;
  let nonJson = 0;
  const countLines = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      logLines += 1;
      try {
        JSON.parse(line);
      } catch {
        nonJson += 1;
      }
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      countLines(chunk);
      if (output.length < 100_000) output += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      countLines(chunk);
      if (output.length < 100_000) output += chunk.toString();
      const match = /"msg":"windward started","url":"(http:\/\/localhost:\d+)\/graphql"/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output.slice(-1000)}`)));
  });

  const line = (text: string) => process.stdout.write(`${text}\n`);
  line(`soak: ${base ? 'PostgreSQL' : 'embedded PGlite'}, ${CLIENTS} clients, ${MINUTES} min, NODE_ENV=production, server pid ${child.pid}`);
  line('   t s   rss MB  heap MB  ext MB   requests  errors   p50 ms   p99 ms');
  const ids: string[] = [];
  const interval = { latencies: [] as number[], requests: 0, errors: 0 };
  const total = { latencies: [] as number[], requests: 0, errors: new Map<string, number>() };
  const firstMessage = new Map<string, string>();
  const ends = Date.now() + MINUTES * 60_000;
  const started = Date.now();
  const call = async (key: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown> | null> => {
    const t0 = performance.now();
    let failure: string | null = null;
    let data: Record<string, unknown> | null = null;
    try {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
      if (body.errors?.length) {
        failure = `${response.status} ${body.errors[0].extensions?.code ?? 'error'}`;
        if (!firstMessage.has(failure)) firstMessage.set(failure, body.errors[0].message);
      }
      data = body.data ?? null;
    } catch (error) {
      failure = (error as NodeJS.ErrnoException).code ?? 'network';
    }
    const ms = performance.now() - t0;
    interval.latencies.push(ms);
    interval.requests += 1;
    total.latencies.push(ms);
    total.requests += 1;
    if (failure) {
      interval.errors += 1;
      total.errors.set(failure, (total.errors.get(failure) ?? 0) + 1);
    }
    return data;
  };
  const client = async (index: number) => {
    const { agency, key } = keys[index % keys.length];
    while (Date.now() < ends) {
      const dice = Math.random();
      if (dice < 0.25) {
        const data = await call(key, SUBMIT, { input: seizureInput(agency) });
        const id = (data?.submitSeizure as { id?: string } | undefined)?.id;
        if (id) ids.push(id);
      } else if (dice < 0.65) {
        await call(key, SEARCH, { filter: { commodityCategories: [CATEGORIES[Math.floor(Math.random() * CATEGORIES.length)]], countries: COUNTRIES.slice(0, 1 + Math.floor(Math.random() * 5)) } });
      } else if (dice < 0.75) {
        await call(key, STATS);
      } else if (dice < 0.9 && ids.length) {
        await call(key, ONE, { id: ids[Math.floor(Math.random() * ids.length)] });
      } else {
        await call(key, ME);
      }
    }
  };
  const rss: number[] = [];
  const sample = async () => {
    const memory = await heapMb(url);
    const now = rssMb(child.pid!);
    rss.push(now);
    const sorted = [...interval.latencies].sort((a, b) => a - b);
    line(
      `${String(Math.round((Date.now() - started) / 1000)).padStart(6)} ${String(now).padStart(8)} ${String(memory.heap).padStart(8)} ${String(memory.external).padStart(7)} ` +
        `${String(interval.requests).padStart(10)} ${String(interval.errors).padStart(7)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 99).toFixed(1).padStart(8)}`,
    );
    interval.latencies = [];
    interval.requests = 0;
    interval.errors = 0;
  };
  await sample();
  const sampler = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  clearInterval(sampler);
  await sample();

  const sorted = total.latencies.sort((a, b) => a - b);
  const errors = [...total.errors.entries()].map(([kind, n]) => `${kind}: ${n}`).join(', ') || 'none';
  const half = rss.slice(Math.floor(rss.length / 2));
  line(`requests ${total.requests} (${(total.requests / (MINUTES * 60)).toFixed(1)}/s), submissions ${ids.length}; errors ${errors}`);
  line(`latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(0)} ms`);
  line(`rss MB: start ${rss[0]}, max ${Math.max(...rss)}, end ${rss[rss.length - 1]}; second half min ${Math.min(...half)} max ${Math.max(...half)}`);
  for (const [kind, message] of firstMessage) line(`first ${kind}: ${message.slice(-300)}`);
  line(`server log: ${logLines} lines, ${nonJson} not JSON`);

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
