/**
 * Ingest benchmark (issues 3 and 17): sealed submissions per second, end to end, against the floor
 * set by OpenPGP.js for the same cryptographic work on one thread, measured in the same run on the
 * same machine; and what a burst of sealed submissions does to searches running meanwhile.
 *
 *   npm run build && [DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres] node dist/bench/ingest.js \
 *     [--recipients 5] [--seconds 3] [--count 150] [--warmup 40] [--concurrency 1,8] [--search-clients 1] [--search-requests 300]
 *
 * - floor: verify + decrypt one sealed envelope (openSealedEnvelope), then encrypt the sensitive
 *   section to N recipients (encryptForRecipients), in a tight loop on this thread, after `--warmup`
 *   rounds (a server that has run for a while has its code compiled; so must the floor); with
 *   the CPU it took over all threads, since libuv's pool runs the key agreements beside it;
 * - crypto ceiling: the same work through the server's crypto pool (CryptoPool) at each
 *   concurrency, with nothing else: the most the end-to-end rate could reach on this machine;
 * - end-to-end: `submitSealedSeizure` over HTTP against a server on a throwaway database (embedded
 *   PGlite when DATABASE_URL is unset, else a fresh database on its server): authentication,
 *   verification, decryption, validation, encryption at rest to the platform + N-1 agencies,
 *   storage, audit. `--count` distinct envelopes per concurrency level, sealed before the clock
 *   starts, sent by a load generator in a worker thread (it does not share the server's loop),
 *   after `--warmup` submissions at the same concurrency (they warm the crypto threads' compiled
 *   code as the floor's rounds warm its own);
 * - search p99: `seizures(first: 20)` as an ELO with `--search-clients` clients, alone, then during
 *   one more burst of ingest at the highest concurrency: the cost a burst of submissions puts on
 *   readers. The ingest rates and ratios are from the bursts without searches; the rate of the burst
 *   under searches is printed beside it.
 * Each ingest measurement also prints CPU milliseconds per submission: the server's main thread,
 * its other threads (the crypto workers among them), and PostgreSQL.
 * It prints NODE_ENV, the node flags, the core count and the load average; it never pins.
 */
import 'reflect-metadata';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { generateAgencyKeyPair, loadAgencyPublicKey } from '../src/crypto/agency-key.js';
import { unlockPrivateKey, utf8Bytes } from '../src/crypto/openpgp-profile.js';
import { generatePlatformKeyPair, loadPlatformPrivateKey, loadPlatformPublicKey } from '../src/crypto/platform-key.js';
import { CryptoPool } from '../src/crypto/crypto-pool.js';
import { encryptForRecipients, type Recipient } from '../src/crypto/recipient-encryption.js';
import { openSealedEnvelope, sealReport } from '../src/crypto/sealed-envelope.js';
import { signChallenge } from '../src/keys/key-register.command.js';
import { startBenchPlatform, type BenchPlatform } from './bench-platform.js';
import { cpuPerRequest, cpuSnapshot } from './cpu-meter.js';
import type { LoadJob, LoadResult } from './load-worker.js';

const OWNER = 'JM';
const PLATFORM_PASSPHRASE = 'benchmark platform passphrase';

interface Options {
  recipients: number;
  seconds: number;
  count: number;
  warmup: number;
  concurrency: number[];
  searchClients: number;
  searchRequests: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      recipients: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '3' },
      count: { type: 'string', default: '150' },
      warmup: { type: 'string', default: '40' },
      concurrency: { type: 'string', default: '1,8' },
      'search-clients': { type: 'string', default: '1' },
      'search-requests': { type: 'string', default: '300' },
    },
  });
  const number = (name: keyof typeof values, min: number): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return value;
  };
  return {
    recipients: Math.trunc(number('recipients', 2)),
    seconds: number('seconds', 0.1),
    count: Math.trunc(number('count', 1)),
    warmup: Math.trunc(number('warmup', 1)),
    concurrency: String(values.concurrency).split(',').map((part) => {
      const value = Math.trunc(Number(part));
      if (!(value >= 1)) throw new Error('--concurrency is a list of client counts, e.g. 1,8');
      return value;
    }),
    searchClients: Math.trunc(number('search-clients', 1)),
    searchRequests: Math.trunc(number('search-requests', 10)),
  };
}

let reportCounter = 0;

/** A valid SeizureInput with a sensitive section, released to `releasableTo`. */
function report(releasableTo: string[]): Record<string, unknown> {
  reportCounter += 1;
  return {
    reference: `BENCH-${process.pid}-${Date.now().toString(36)}-${reportCounter}`,
    tlp: 'AMBER',
    releasableTo,
    seizedAt: new Date(Date.now() - 3600_000).toISOString(),
    country: OWNER,
    location: { name: 'Port of Kingston', unlocode: 'JMKIN' },
    transportMode: 'SEA',
    commodity: { category: 'DRUGS', type: 'cocaine HCl', description: 'Bricks in a reefer container' },
    quantity: { value: 42.5, unit: 'KG' },
    detectionMethod: 'NII_XRAY',
    route: { origin: 'CO', transit: ['PA'], destination: OWNER },
    sensitive: {
      narrative: 'Consignee known to the unit; driver detained',
      persons: [{ name: 'A. Person', nationality: 'JM', role: 'driver' }],
      companies: ['Acme Freight Ltd'],
      identifiers: ['passport X123'],
    },
  };
}

function rate(count: number, ms: number): number {
  return (count * 1000) / ms;
}

function fixed(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** One round of the floor's work, and what the ceiling needs to do the same work through the server's pool. */
interface CryptoWork {
  once(): Promise<void>;
  platformKey: { armoredPrivateKey: string; passphrase: string };
  envelope: string;
  senderKeys: string[];
  recipients: { recipientId: string; armoredPublicKey: string }[];
}

async function cryptoWork(releasableTo: string[]): Promise<CryptoWork> {
  const platformPair = await generatePlatformKeyPair({ passphrase: PLATFORM_PASSPHRASE });
  const platformPrivateKey = await loadPlatformPrivateKey({ armoredPrivateKey: platformPair.privateKeyArmored, passphrase: PLATFORM_PASSPHRASE });
  const platformPublicKey = await loadPlatformPublicKey(platformPair.publicKeyArmored);
  const agencies = await Promise.all([OWNER, ...releasableTo].map((code) => generateAgencyKeyPair({ agencyCode: code })));
  const ownerSigningKey = await unlockPrivateKey({ armoredPrivateKey: agencies[0].privateKeyArmored });
  const senderKeys = [await loadAgencyPublicKey(agencies[0].publicKeyArmored)];
  const armoredRecipients = [
    { recipientId: 'PLATFORM', armoredPublicKey: platformPair.publicKeyArmored },
    ...agencies.map((pair, i) => ({ recipientId: i === 0 ? OWNER : releasableTo[i - 1], armoredPublicKey: pair.publicKeyArmored })),
  ];
  const recipients: Recipient[] = await Promise.all(
    armoredRecipients.map(async (r) => ({ recipientId: r.recipientId, publicKey: await loadAgencyPublicKey(r.armoredPublicKey) })),
  );
  const envelope = await sealReport({ report: report(releasableTo), signingKey: ownerSigningKey, platformPublicKey });
  return {
    once: async () => {
      const opened = await openSealedEnvelope({ armored: envelope, platformPrivateKey, senderKeys });
      await encryptForRecipients(utf8Bytes(JSON.stringify(opened.report.sensitive)), recipients);
    },
    platformKey: { armoredPrivateKey: platformPair.privateKeyArmored, passphrase: PLATFORM_PASSPHRASE },
    envelope,
    senderKeys: [agencies[0].publicKeyArmored],
    recipients: armoredRecipients,
  };
}

/** `round` over and over for `seconds`, `concurrency` at a time: rounds per second, and the CPU they took. */
async function timedRounds(round: () => Promise<void>, seconds: number, concurrency: number): Promise<{ perSecond: number; done: number; ms: number; cpu: string; cores: number; cpuMsPerRound: number }> {
  const before = cpuSnapshot();
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < seconds * 1000) {
        await round();
        done += 1;
      }
    }),
  );
  const ms = performance.now() - started;
  const after = cpuSnapshot();
  const cpuMs = after.processMs - before.processMs;
  return { perSecond: rate(done, ms), done, ms, cpu: cpuPerRequest(before, after, done), cores: cpuMs / ms, cpuMsPerRound: cpuMs / done };
}

/** The floor: the same OpenPGP work with nothing around it. */
async function measureFloor(options: Options, work: CryptoWork, recipientCount: number): Promise<number> {
  for (let i = 0; i < options.warmup; i += 1) await work.once(); // warm-up (JIT, lazy crypto init)
  const floor = await timedRounds(work.once, options.seconds, 1);
  process.stdout.write(`floor (OpenPGP.js: openSealedEnvelope + encryptForRecipients to ${recipientCount}): ${fixed(floor.perSecond)} ops/s (${floor.done} in ${(floor.ms / 1000).toFixed(1)} s)\n`);
  // One thread of JavaScript, but the key agreements run natively on libuv's pool meanwhile: the
  // floor keeps more than one core busy, which bounds what a server on two cores can reach.
  process.stdout.write(`  ${floor.cpu}; ${floor.cpuMsPerRound.toFixed(2)} ms of CPU per op, ${floor.cores.toFixed(2)} cores busy\n`);
  return floor.perSecond;
}

/**
 * The ceiling of the end-to-end rate: the floor's work through the server's own crypto pool (its
 * threads, its messages) at each concurrency, with no HTTP, GraphQL or database around it. No
 * submission can be faster than its cryptography, so end-to-end / floor stays below these ratios.
 */
async function measureCryptoCeiling(options: Options, work: CryptoWork, floor: number): Promise<void> {
  const pool = new CryptoPool({ platformKey: work.platformKey });
  try {
    const round = async () => {
      const opened = await pool.openSealedEnvelope({ armored: work.envelope, senderKeys: work.senderKeys });
      await pool.encryptForRecipients(utf8Bytes(JSON.stringify(opened.report.sensitive)), work.recipients);
    };
    for (const concurrency of options.concurrency) {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < Math.ceil(options.warmup / concurrency); i += 1) await round();
      }));
      const ceiling = await timedRounds(round, options.seconds, concurrency);
      process.stdout.write(
        `crypto ceiling (the same work through the server's crypto pool of ${pool.size} threads, concurrency ${concurrency}, no HTTP or database): ` +
          `${fixed(ceiling.perSecond)} ops/s = ${(ceiling.perSecond / floor).toFixed(2)} x the floor\n`,
      );
      process.stdout.write(`  ${ceiling.cpu}; ${ceiling.cpuMsPerRound.toFixed(2)} ms of CPU per op, ${ceiling.cores.toFixed(2)} cores busy\n`);
    }
  } finally {
    await pool.close();
  }
}

const REGISTER = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint } }';
const KEY_CHALLENGE = 'mutation { agencyKeyChallenge { challenge } }';
const SUBMIT_SEALED = 'mutation($envelope: String!) { submitSealedSeizure(envelope: $envelope) { id } }';
const SEARCH = '{ seizures(first: 20) { edges { node { id reference tlp seizedAt country commodity { category } quantity { value unit } } } } }';

async function hasSealedSubmission(platform: BenchPlatform, token: string): Promise<boolean> {
  const reply = await platform.gql<{ __type: { fields: { name: string }[] } | null }>(token, '{ __type(name: "Mutation") { fields { name } } }');
  return reply.data?.__type?.fields.some((field) => field.name === 'submitSealedSeizure') ?? false;
}

async function expectOk<T>(what: string, reply: Promise<{ data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] }>): Promise<T> {
  const { data, errors } = await reply;
  if (errors?.length || !data) throw new Error(`${what} failed: ${errors?.[0]?.extensions?.code ?? ''} ${errors?.[0]?.message ?? 'no data'}`);
  return data;
}

/** Runs one load job in a worker thread; `stop` ends it early (its result holds what was done). */
function startLoad(job: LoadJob): { result: Promise<LoadResult>; stop(): void } {
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
  const result = new Promise<LoadResult>((resolve, reject) => {
    let answer: LoadResult | null = null;
    worker.once('message', (message: LoadResult) => (answer = message));
    worker.once('error', reject);
    worker.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`load worker exited with code ${code} and no result`))));
  });
  return { result, stop: () => worker.postMessage('stop') };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function latencySummary(result: LoadResult): string {
  const sorted = [...result.latencies].sort((x, y) => x - y);
  return `n=${sorted.length}, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms`;
}

function checked(what: string, result: LoadResult): LoadResult {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} errors, first: ${result.firstError}`);
  return result;
}

function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(' ');
}

interface EndToEnd {
  databaseKind: string;
  perSecond: Map<number, number>;
  searchAloneP99: number;
  searchUnderLoadP99: number;
  searchUnderLoadClients: number;
}

/** End to end over HTTP; null when the server has no submitSealedSeizure. */
async function measureEndToEnd(options: Options, releasableTo: string[]): Promise<EndToEnd | null> {
  const platform = await startBenchPlatform();
  try {
    const elo = await platform.apiKeyFor(OWNER, ['ELO']);
    if (!(await hasSealedSubmission(platform, elo))) return null;

    const owner = await generateAgencyKeyPair({ agencyCode: OWNER });
    for (const [code, pair] of [
      [OWNER, owner] as const,
      ...(await Promise.all(releasableTo.map(async (code) => [code, await generateAgencyKeyPair({ agencyCode: code })] as const))),
    ]) {
      const admin = await platform.apiKeyFor(code, ['AGENCY_ADMIN']);
      const { agencyKeyChallenge } = await expectOk(`agencyKeyChallenge for ${code}`, platform.gql<{ agencyKeyChallenge: { challenge: string } }>(admin, KEY_CHALLENGE));
      const signed = await signChallenge(agencyKeyChallenge.challenge, pair.privateKeyArmored);
      await expectOk(`registerAgencyKey for ${code}`, platform.gql(admin, REGISTER, { key: pair.publicKeyArmored, signed }));
    }
    const { platformKey } = await expectOk('platformKey', platform.gql<{ platformKey: string }>(elo, '{ platformKey }'));
    const platformPublicKey = await loadPlatformPublicKey(platformKey);
    const signingKey = await unlockPrivateKey({ armoredPrivateKey: owner.privateKeyArmored });

    // Sealing is the sending agency's work, not the platform's: done before any clock starts.
    const seal = async (n: number): Promise<string[]> => {
      const bodies: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const envelope = await sealReport({ report: report(releasableTo), signingKey, platformPublicKey });
        bodies.push(JSON.stringify({ query: SUBMIT_SEALED, variables: { envelope } }));
      }
      return bodies;
    };
    const url = `${platform.server.url.replace('//localhost:', '//127.0.0.1:')}/graphql`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${elo}` };
    const ingestJob = (bodies: string[], concurrency: number): LoadJob => ({
      kind: 'http', url, headers, body: bodies[0], bodies, concurrency, warmup: 0, count: bodies.length, budgetMs: 600_000,
    });
    const searchJob = (count: number): LoadJob => ({
      kind: 'http', url, headers, body: JSON.stringify({ query: SEARCH }), concurrency: options.searchClients, warmup: 20, count, budgetMs: 600_000,
    });

    /** One burst at `concurrency`, after its warm-up; with `searches`, a search client runs during it. */
    const burst = async (concurrency: number, searches: boolean): Promise<{ rate: number; underLoad: LoadResult | null }> => {
      const warmUp = await seal(options.warmup);
      const bodies = await seal(options.count);
      checked('submitSealedSeizure warm-up', await startLoad(ingestJob(warmUp, concurrency)).result);
      const before = cpuSnapshot();
      const load1 = loadAverage();
      const search = searches ? startLoad(searchJob(1_000_000)) : null;
      const ingest = checked('submitSealedSeizure', await startLoad(ingestJob(bodies, concurrency)).result);
      search?.stop();
      const cpu = cpuPerRequest(before, cpuSnapshot(), options.count);
      const underLoad = search ? checked('search under ingest load', await search.result) : null;
      const rate = (ingest.latencies.length * 1000) / ingest.wallMs;
      process.stdout.write(
        `end-to-end (submitSealedSeizure over HTTP, ${platform.databaseKind} database, concurrency ${concurrency}${searches ? ', searches running' : ''}): ${fixed(rate)} submissions/s ` +
          `(${ingest.latencies.length} in ${(ingest.wallMs / 1000).toFixed(1)} s after ${options.warmup} to warm up; ${latencySummary(ingest)}; load average before ${load1})\n`,
      );
      process.stdout.write(`  ${cpu}${search ? ', search load included' : ''}\n`);
      return { rate, underLoad };
    };

    const perSecond = new Map<number, number>();
    for (const concurrency of options.concurrency) perSecond.set(concurrency, (await burst(concurrency, false)).rate);
    const top = Math.max(...options.concurrency);
    const { underLoad } = await burst(top, true);
    // Searches alone, on the same data, after the ingest (a search that ran during it saw fewer rows, never more).
    const alone = checked('search alone', await startLoad(searchJob(options.searchRequests)).result);
    if (!underLoad) throw new Error('no search ran under ingest load');
    const aloneP99 = percentile([...alone.latencies].sort((x, y) => x - y), 0.99);
    const loadedP99 = percentile([...underLoad.latencies].sort((x, y) => x - y), 0.99);
    process.stdout.write(`search (${options.searchClients} client${options.searchClients === 1 ? '' : 's'}) alone:             ${latencySummary(alone)}\n`);
    process.stdout.write(`search (${options.searchClients} client${options.searchClients === 1 ? '' : 's'}) under ingest x${top}: ${latencySummary(underLoad)}\n`);
    return { databaseKind: platform.databaseKind, perSecond, searchAloneP99: aloneP99, searchUnderLoadP99: loadedP99, searchUnderLoadClients: top };
  } finally {
    await platform.close();
  }
}

/** Member administrations other than the owner, as many as the extra recipients. */
const RELEASE_CANDIDATES = ['KY', 'BB', 'LC', 'TT', 'BS', 'BZ', 'GY', 'HT', 'DM', 'GD', 'VC', 'AG', 'KN', 'SR', 'CW', 'AW'];

async function main(): Promise<void> {
  const options = readOptions();
  // Recipients at rest: the platform, the owner, and the agencies the report is released to.
  const releasableTo = RELEASE_CANDIDATES.slice(0, options.recipients - 2);
  if (releasableTo.length !== options.recipients - 2) throw new Error(`--recipients is at most ${RELEASE_CANDIDATES.length + 2}`);
  process.stdout.write(`ingest benchmark: ${options.recipients} recipients (PLATFORM, ${[OWNER, ...releasableTo].join(', ')}), node ${process.version}\n`);
  process.stdout.write(
    `NODE_ENV ${process.env.NODE_ENV ?? '(unset)'} (the server under test runs with NODE_ENV=test config); node flags ${process.execArgv.join(' ') || '(none)'}; ` +
      `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}), not pinned; load average ${loadAverage()}\n`,
  );

  const work = await cryptoWork(releasableTo);
  const floor = await measureFloor(options, work, options.recipients);
  await measureCryptoCeiling(options, work, floor);
  const endToEnd = await measureEndToEnd(options, releasableTo);
  if (!endToEnd) {
    process.stdout.write('end-to-end: not available (the server has no submitSealedSeizure mutation)\n');
    return;
  }
  for (const [concurrency, perSecond] of endToEnd.perSecond) {
    process.stdout.write(`ratio end-to-end / floor at ${concurrency} client${concurrency === 1 ? '' : 's'}: ${(perSecond / floor).toFixed(2)}\n`);
  }
  process.stdout.write(
    `search p99 under ingest x${endToEnd.searchUnderLoadClients} / alone: ${(endToEnd.searchUnderLoadP99 / endToEnd.searchAloneP99).toFixed(2)} ` +
      `(${endToEnd.searchUnderLoadP99.toFixed(1)} / ${endToEnd.searchAloneP99.toFixed(1)} ms); load average after ${loadAverage()}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`ingest benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
