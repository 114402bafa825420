import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BadUserInputError } from '../errors/domain-error.js';
import { generateAgencyKeyPair, loadAgencyPublicKey } from './agency-key.js';
import { CryptoPool, CryptoWorkerStoppedError, WorkerPool, workerExecArgv } from './crypto-pool.js';
import { DecryptionFailedError, SignatureInvalidError } from './crypto.errors.js';
import { unlockPrivateKey } from './openpgp-profile.js';
import { generatePlatformKeyPair, loadPlatformPrivateKey, loadPlatformPublicKey } from './platform-key.js';
import { decryptPayload } from './recipient-encryption.js';
import { openSealedEnvelope, sealReport } from './sealed-envelope.js';

const fixture = { url: new URL('./crypto-pool.fixture-worker.mjs', import.meta.url) };

describe('WorkerPool (mechanics, with a fixture worker)', () => {
  let pool: WorkerPool;
  afterEach(() => pool.close());

  it('runs tasks on at most `size` threads, queueing the rest in order', async () => {
    pool = new WorkerPool({ size: 2, entry: fixture });
    const replies = (await Promise.all(Array.from({ length: 6 }, () => pool.run('sleep', 30)))) as { threadId: number }[];
    expect(new Set(replies.map((r) => r.threadId)).size).toBe(2);
    expect(pool.load).toEqual({ queued: 0, running: 0, threads: 2 });
  });

  it('starts no thread before the first task', () => {
    pool = new WorkerPool({ size: 2, entry: fixture });
    expect(pool.load.threads).toBe(0);
  });

  it.each(['exit', 'throw'])('fails the task of a worker that dies (%s), replaces the worker and goes on', async (how) => {
    pool = new WorkerPool({ size: 1, entry: fixture });
    const first = (await pool.run('echo', 1)) as { threadId: number };
    const queued = pool.run('echo', 2);
    await expect(pool.run(how, null)).rejects.toBeInstanceOf(CryptoWorkerStoppedError);
    const after = (await pool.run('echo', 3)) as { input: number; threadId: number };
    expect(after.input).toBe(3);
    expect(after.threadId).not.toBe(first.threadId);
    await expect(queued).resolves.toMatchObject({ input: 2 });
  });

  it('gives a task\'s DomainError back as the same class, code and details', async () => {
    pool = new WorkerPool({ size: 1, entry: fixture });
    const error = await pool.run('fail', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionFailedError);
    expect(error).toMatchObject({ code: 'DECRYPTION_FAILED', reason: 'TAMPERED', message: 'The message was modified' });
  });

  it('fails running and queued tasks when closed, and refuses new ones', async () => {
    pool = new WorkerPool({ size: 1, entry: fixture });
    const outcomes = Promise.allSettled([pool.run('sleep', 5_000), pool.run('echo', 1)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CryptoWorkerStoppedError);
    }
    await expect(pool.run('echo', 1)).rejects.toBeInstanceOf(CryptoWorkerStoppedError);
  });
});

describe('workerExecArgv', () => {
  it('keeps node flags and drops those about the parent\'s own entry script', () => {
    expect(workerExecArgv(['--cpu-prof', '--input-type=module', '-e', 'code', '--max-old-space-size=512', '--eval=x'])).toEqual(['--cpu-prof', '--max-old-space-size=512']);
  });
});

describe('CryptoPool (the real worker, from TypeScript sources)', () => {
  const passphrase = 'crypto pool spec passphrase';
  let pool: CryptoPool;
  let platform: Awaited<ReturnType<typeof generatePlatformKeyPair>>;
  let sender: Awaited<ReturnType<typeof generateAgencyKeyPair>>;
  let other: Awaited<ReturnType<typeof generateAgencyKeyPair>>;
  let envelope: string;
  const report = { reference: 'JM-1', sensitive: { narrative: 'n' } };

  beforeAll(async () => {
    platform = await generatePlatformKeyPair({ passphrase });
    [sender, other] = await Promise.all([generateAgencyKeyPair({ agencyCode: 'JM' }), generateAgencyKeyPair({ agencyCode: 'KY' })]);
    const platformPublicKey = await loadPlatformPublicKey(platform.publicKeyArmored);
    envelope = await sealReport({ report, signingKey: await unlockPrivateKey({ armoredPrivateKey: sender.privateKeyArmored }), platformPublicKey });
    pool = new CryptoPool({ platformKey: { armoredPrivateKey: platform.privateKeyArmored, passphrase }, size: 2 });
  }, 30_000);
  afterAll(() => pool.close());

  it('opens a sealed envelope as openSealedEnvelope does inline', async () => {
    const opened = await pool.openSealedEnvelope({ armored: envelope, senderKeys: [sender.publicKeyArmored] });
    const platformPrivateKey = await loadPlatformPrivateKey({ armoredPrivateKey: platform.privateKeyArmored, passphrase });
    const inline = await openSealedEnvelope({ armored: envelope, platformPrivateKey, senderKeys: [await loadAgencyPublicKey(sender.publicKeyArmored)] });
    expect(opened.report).toEqual(report);
    expect(opened.signedAt).toBeInstanceOf(Date);
    expect({ ...opened, detachedSignature: undefined }).toEqual({ ...inline, detachedSignature: undefined });
  }, 30_000);

  it('maps failures to the same domain errors as inline: unknown signer, tampering, malformed input', async () => {
    const unknownSigner = await pool.openSealedEnvelope({ armored: envelope, senderKeys: [other.publicKeyArmored] }).catch((e: unknown) => e);
    expect(unknownSigner).toBeInstanceOf(SignatureInvalidError);
    expect(unknownSigner).toMatchObject({ code: 'SIGNATURE_INVALID', reason: 'UNKNOWN_SIGNER' });

    const lines = envelope.split('\n');
    const body = lines.findIndex((line, i) => i > 2 && line.length > 40);
    lines[body] = (lines[body][0] === 'A' ? 'B' : 'A') + lines[body].slice(1);
    const tampered = await pool.openSealedEnvelope({ armored: lines.join('\n'), senderKeys: [sender.publicKeyArmored] }).catch((e: unknown) => e);
    expect(tampered).toHaveProperty('code');
    expect(['DECRYPTION_FAILED', 'BAD_USER_INPUT']).toContain((tampered as { code: string }).code);

    const malformed = await pool.openSealedEnvelope({ armored: 'not a message', senderKeys: [sender.publicKeyArmored] }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(BadUserInputError);
    expect(malformed).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: ['envelope'] } });
  }, 30_000);

  it('encrypts to recipients whose keys decrypt the payload, many tasks at once', async () => {
    const plaintext = (i: number) => new TextEncoder().encode(`section ${i}`);
    const recipients = [
      { recipientId: 'PLATFORM', armoredPublicKey: platform.publicKeyArmored },
      { recipientId: 'KY', armoredPublicKey: other.publicKeyArmored },
    ];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.encryptForRecipients(plaintext(i), recipients)));
    const otherKey = await unlockPrivateKey({ armoredPrivateKey: other.privateKeyArmored });
    for (const [i, result] of results.entries()) {
      expect(result.wrappedKeys.map((w) => w.recipientId)).toEqual(['PLATFORM', 'KY']);
      const decrypted = await decryptPayload({ pkesk: result.wrappedKeys[1].pkesk, payload: result.payload, privateKey: otherKey });
      expect(new TextDecoder().decode(decrypted)).toBe(`section ${i}`);
    }
  }, 60_000);

  // Linux gives each thread its own nice value: searches on the event loop come before bulk crypto.
  (process.platform === 'linux' ? it : it.skip)('runs its threads 10 nice steps below the event loop', () => {
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const main = niceOf(String(process.pid));
    const lowered = readdirSync('/proc/self/task').map(niceOf).filter((nice) => nice === Math.min(19, main + 10));
    expect(lowered).toHaveLength(2); // the pool's size, started by the tests above
  });

  it('refuses a recipient key that is not a public key, as BAD_USER_INPUT', async () => {
    const error = await pool.encryptForRecipients(new Uint8Array([1]), [{ recipientId: 'X', armoredPublicKey: 'junk' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
  }, 30_000);
});

// What `npm run build` makes: the pool beside its compiled worker, loaded by plain Node (no loader hook).
const compiledPool = new URL('../../dist/src/crypto/crypto-pool.js', import.meta.url);
const describeIfBuilt = existsSync(fileURLToPath(compiledPool)) ? describe : describe.skip;

describeIfBuilt('CryptoPool from dist/ (after npm run build)', () => {
  it('runs the compiled worker', async () => {
    const recipient = await generateAgencyKeyPair({ agencyCode: 'KY' });
    const script = `
      const { CryptoPool, cryptoWorkerEntry } = await import(${JSON.stringify(compiledPool.href)});
      const pool = new CryptoPool({ platformKey: null, size: 1 });
      const result = await pool.encryptForRecipients(new TextEncoder().encode('x'), [{ recipientId: 'KY', armoredPublicKey: process.env.KEY }]);
      await pool.close();
      console.log(JSON.stringify({ entry: cryptoWorkerEntry().url.pathname.split('/').pop(), recipients: result.wrappedKeys.map((w) => w.recipientId) }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '', KEY: recipient.publicKeyArmored } });
    expect(JSON.parse(stdout)).toEqual({ entry: 'crypto-worker.js', recipients: ['KY'] });
  }, 60_000);
});
