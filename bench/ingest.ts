/**
 * Ingest benchmark (issue 3): sealed submissions per second, end to end, against the floor set by
 * OpenPGP.js for the same cryptographic work, measured in the same run on the same machine.
 *
 *   npm run build && node dist/bench/ingest.js [--recipients 5] [--seconds 3] [--count 100] [--concurrency 1]
 *
 * - floor: verify + decrypt one sealed envelope (openSealedEnvelope), then encrypt the sensitive
 *   section to N recipients (encryptForRecipients), in a tight loop;
 * - end-to-end: `submitSealedSeizure` over HTTP against a server on a throwaway database (embedded
 *   PGlite, or a fresh database on DATABASE_URL's server): authentication, verification,
 *   decryption, validation, encryption at rest to the platform + N-1 agencies, storage, audit.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { generateAgencyKeyPair, loadAgencyPublicKey } from '../src/crypto/agency-key.js';
import { unlockPrivateKey, utf8Bytes } from '../src/crypto/openpgp-profile.js';
import { generatePlatformKeyPair, loadPlatformPrivateKey, loadPlatformPublicKey } from '../src/crypto/platform-key.js';
import { encryptForRecipients, type Recipient } from '../src/crypto/recipient-encryption.js';
import { openSealedEnvelope, sealReport } from '../src/crypto/sealed-envelope.js';
import { startBenchPlatform, type BenchPlatform } from './bench-platform.js';

const OWNER = 'JM';
const PLATFORM_PASSPHRASE = 'benchmark platform passphrase';

interface Options {
  recipients: number;
  seconds: number;
  count: number;
  concurrency: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      recipients: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '3' },
      count: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '1' },
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
    concurrency: Math.trunc(number('concurrency', 1)),
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

/** The floor: the same OpenPGP work with nothing around it. */
async function measureFloor(options: Options, releasableTo: string[]): Promise<number> {
  const platformPair = await generatePlatformKeyPair({ passphrase: PLATFORM_PASSPHRASE });
  const platformPrivateKey = await loadPlatformPrivateKey({ armoredPrivateKey: platformPair.privateKeyArmored, passphrase: PLATFORM_PASSPHRASE });
  const platformPublicKey = await loadPlatformPublicKey(platformPair.publicKeyArmored);
  const agencies = await Promise.all([OWNER, ...releasableTo].map((code) => generateAgencyKeyPair({ agencyCode: code })));
  const ownerSigningKey = await unlockPrivateKey({ armoredPrivateKey: agencies[0].privateKeyArmored });
  const senderKeys = [await loadAgencyPublicKey(agencies[0].publicKeyArmored)];
  const recipients: Recipient[] = [
    { recipientId: 'PLATFORM', publicKey: platformPublicKey },
    ...(await Promise.all(agencies.map(async (pair, i) => ({ recipientId: i === 0 ? OWNER : releasableTo[i - 1], publicKey: await loadAgencyPublicKey(pair.publicKeyArmored) })))),
  ];
  const envelope = await sealReport({ report: report(releasableTo), signingKey: ownerSigningKey, platformPublicKey });

  const once = async () => {
    const opened = await openSealedEnvelope({ armored: envelope, platformPrivateKey, senderKeys });
    await encryptForRecipients(utf8Bytes(JSON.stringify(opened.report.sensitive)), recipients);
  };
  for (let i = 0; i < 3; i += 1) await once(); // warm-up (JIT, lazy crypto init)
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < options.seconds * 1000) {
    await once();
    done += 1;
  }
  const ms = performance.now() - started;
  const opsPerSecond = rate(done, ms);
  process.stdout.write(`floor (OpenPGP.js: openSealedEnvelope + encryptForRecipients to ${recipients.length}): ${fixed(opsPerSecond)} ops/s (${done} in ${(ms / 1000).toFixed(1)} s)\n`);
  return opsPerSecond;
}

const REGISTER = 'mutation($key: String!) { registerAgencyKey(armoredPublicKey: $key) { fingerprint } }';
const SUBMIT_SEALED = 'mutation($envelope: String!) { submitSealedSeizure(envelope: $envelope) { id } }';

async function hasSealedSubmission(platform: BenchPlatform, token: string): Promise<boolean> {
  const reply = await platform.gql<{ __type: { fields: { name: string }[] } | null }>(token, '{ __type(name: "Mutation") { fields { name } } }');
  return reply.data?.__type?.fields.some((field) => field.name === 'submitSealedSeizure') ?? false;
}

async function expectOk<T>(what: string, reply: Promise<{ data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] }>): Promise<T> {
  const { data, errors } = await reply;
  if (errors?.length || !data) throw new Error(`${what} failed: ${errors?.[0]?.extensions?.code ?? ''} ${errors?.[0]?.message ?? 'no data'}`);
  return data;
}

/** End to end over HTTP; null when the server has no submitSealedSeizure. */
async function measureEndToEnd(options: Options, releasableTo: string[]): Promise<{ perSecond: number; databaseKind: string } | null> {
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
      await expectOk(`registerAgencyKey for ${code}`, platform.gql(admin, REGISTER, { key: pair.publicKeyArmored }));
    }
    const { platformKey } = await expectOk('platformKey', platform.gql<{ platformKey: string }>(elo, '{ platformKey }'));
    const platformPublicKey = await loadPlatformPublicKey(platformKey);
    const signingKey = await unlockPrivateKey({ armoredPrivateKey: owner.privateKeyArmored });

    // Sealing is the sending agency's work, not the platform's: done before the clock starts.
    const warmUp = 3;
    const envelopes: string[] = [];
    for (let i = 0; i < options.count + warmUp; i += 1) {
      envelopes.push(await sealReport({ report: report(releasableTo), signingKey, platformPublicKey }));
    }
    const submit = (envelope: string) => expectOk('submitSealedSeizure', platform.gql(elo, SUBMIT_SEALED, { envelope }));
    for (const envelope of envelopes.splice(0, warmUp)) await submit(envelope);

    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < envelopes.length) await submit(envelopes[next++]);
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const ms = performance.now() - started;
    const perSecond = rate(envelopes.length, ms);
    process.stdout.write(
      `end-to-end (submitSealedSeizure over HTTP, ${platform.databaseKind} database, concurrency ${options.concurrency}): ${fixed(perSecond)} submissions/s (${envelopes.length} in ${(ms / 1000).toFixed(1)} s)\n`,
    );
    return { perSecond, databaseKind: platform.databaseKind };
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

  const floor = await measureFloor(options, releasableTo);
  const endToEnd = await measureEndToEnd(options, releasableTo);
  if (!endToEnd) {
    process.stdout.write('end-to-end: not available (the server has no submitSealedSeizure mutation)\n');
    return;
  }
  process.stdout.write(`ratio end-to-end / floor: ${(endToEnd.perSecond / floor).toFixed(2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`ingest benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
