import {
  armor,
  createMessage,
  decryptKey,
  encrypt,
  enums,
  generateKey,
  Message,
  PacketList,
  readKey,
  readMessage,
  readPrivateKey,
  readSignature,
  revokeKey,
  sign,
  verify,
  type PrivateKey,
  type PublicKey,
} from 'openpgp';

import { BadUserInputError, DomainError } from '../errors/domain-error.js';
import { generateAgencyKeyPair } from './agency-key.js';
import { canonicalJson } from './canonical-json.js';
import { generatePlatformKeyPair, loadPlatformPrivateKey } from './platform-key.js';
import { openSealedEnvelope, sealReport, verifyDetachedSignature } from './sealed-envelope.js';

const DAY = 86_400_000;
const BASE = Date.now();
const daysAgo = (days: number): Date => new Date(BASE - days * DAY);
const PLATFORM_PASSPHRASE = 'platform passphrase for tests';
const AGENCY_PASSPHRASE = 'jm agency passphrase';

const REPORT = {
  reference: 'JM-2026-0042',
  seizedAt: '2026-10-03T14:20:00Z',
  commodity: { category: 'NARCOTICS', type: 'cocaine', description: 'Bricks in a false floor' },
  quantity: { value: 12.5, unit: 'kg' },
  route: { origin: 'CO', transit: ['PA'], destination: 'JM' },
  narrative: 'Façade “quotes” and emoji 🚢',
};

interface Agency {
  publicKey: PublicKey;
  privateKey: PrivateKey;
  armoredPrivateKey: string;
  fingerprint: string;
}

async function makeAgency(code: string, created: Date, keyExpirationTime?: number): Promise<Agency> {
  if (keyExpirationTime === undefined) {
    const pair = await generateAgencyKeyPair({ agencyCode: code, now: created });
    return {
      publicKey: await readKey({ armoredKey: pair.publicKeyArmored }),
      privateKey: await readPrivateKey({ armoredKey: pair.privateKeyArmored }),
      armoredPrivateKey: pair.privateKeyArmored,
      fingerprint: pair.fingerprint,
    };
  }
  // generateAgencyKeyPair makes keys that never expire.
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: `${code} Customs`, email: `${code.toLowerCase()}@windward.invalid` }],
    date: created,
    keyExpirationTime,
    format: 'object',
  });
  return {
    publicKey,
    privateKey,
    armoredPrivateKey: privateKey.armor(),
    fingerprint: publicKey.getFingerprint().toUpperCase(),
  };
}

/** Binary body of an armored block (base64 lines up to the checksum line). */
function dearmor(armored: string): Uint8Array {
  const body = armored
    .split('\n')
    .slice(armored.split('\n').findIndex((line) => line.trim() === '') + 1)
    .filter((line) => !line.startsWith('-----') && !line.startsWith('='))
    .join('');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('sealed envelopes', () => {
  let platformPublicKey: PublicKey;
  let platformPrivateKey: PrivateKey;
  let jm: Agency;
  let ky: Agency;

  beforeAll(async () => {
    const platform = await generatePlatformKeyPair({ passphrase: PLATFORM_PASSPHRASE, now: daysAgo(100) });
    platformPublicKey = await readKey({ armoredKey: platform.publicKeyArmored });
    platformPrivateKey = await loadPlatformPrivateKey({
      armoredPrivateKey: platform.privateKeyArmored,
      passphrase: PLATFORM_PASSPHRASE,
    });
    const jmPair = await generateAgencyKeyPair({ agencyCode: 'JM', passphrase: AGENCY_PASSPHRASE, now: daysAgo(100) });
    const jmPublic = await readKey({ armoredKey: jmPair.publicKeyArmored });
    jm = {
      publicKey: jmPublic,
      privateKey: await readPrivateKey({ armoredKey: jmPair.privateKeyArmored }),
      armoredPrivateKey: jmPair.privateKeyArmored,
      fingerprint: jmPair.fingerprint,
    };
    ky = await makeAgency('KY', daysAgo(100));
  });

  const seal = (options: { report?: Record<string, unknown>; now?: Date; to?: PublicKey } = {}) =>
    sealReport({
      report: 'report' in options ? (options.report as Record<string, unknown>) : REPORT,
      signingKey: { armoredPrivateKey: jm.armoredPrivateKey, passphrase: AGENCY_PASSPHRASE },
      platformPublicKey: options.to ?? platformPublicKey,
      now: options.now,
    });

  const open = (armored: string, senderKeys: PublicKey[] = [jm.publicKey]) =>
    openSealedEnvelope({ armored, platformPrivateKey, senderKeys });

  /** An envelope made directly with OpenPGP.js, for shapes sealReport refuses to make. */
  async function rawEnvelope(content: string | Uint8Array, options: { signed?: boolean; text?: boolean } = {}) {
    const signingKey = ky.privateKey;
    const message =
      typeof content === 'string' && options.text
        ? await createMessage({ text: content })
        : await createMessage({ binary: typeof content === 'string' ? new TextEncoder().encode(content) : content });
    return encrypt({
      message,
      encryptionKeys: platformPublicKey,
      signingKeys: options.signed === false ? [] : signingKey,
    });
  }

  describe('sealReport + openSealedEnvelope', () => {
    it('round-trips a report, signed over its canonical JSON', async () => {
      const armored = await seal();
      expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
      const opened = await open(armored, [ky.publicKey, jm.publicKey]);
      expect(opened.report).toEqual(REPORT);
      expect(opened.canonical).toBe(canonicalJson(REPORT));
      expect(opened.signerFingerprint).toBe(jm.fingerprint);
      expect(Math.abs(opened.signedAt.getTime() - Date.now())).toBeLessThan(10_000);
      expect(opened.detachedSignature).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    });

    it('uses v1 SEIPD (no AEAD) so GnuPG 2.2 can decrypt', async () => {
      const bytes = dearmor(await seal());
      const message = await readMessage({ binaryMessage: bytes });
      const tags = message.packets.map((packet) => (packet.constructor as unknown as { tag: number }).tag);
      expect(tags).toEqual([enums.packet.publicKeyEncryptedSessionKey, enums.packet.symEncryptedIntegrityProtectedData]);
      expect({ ...message.packets[1] }).toMatchObject({ version: 1 });
    });

    it('hands out a detached signature anyone can re-verify over the canonical bytes', async () => {
      const opened = await open(await seal());
      const bytes = new TextEncoder().encode(opened.canonical);
      const result = await verify({
        message: await createMessage({ binary: bytes }),
        signature: await readSignature({ armoredSignature: opened.detachedSignature }),
        verificationKeys: jm.publicKey,
        expectSigned: true,
      });
      await expect(result.signatures[0].verified).resolves.toBe(true);

      for (const content of [opened.canonical, bytes]) {
        await expect(
          verifyDetachedSignature({ content, armoredSignature: opened.detachedSignature, keys: [ky.publicKey, jm.publicKey] }),
        ).resolves.toEqual({ valid: true, signerFingerprint: jm.fingerprint, signedAt: opened.signedAt, failure: null });
      }
    });

    it('accepts a text-mode signature (no line breaks in canonical JSON, so the bytes agree)', async () => {
      const canonical = canonicalJson(REPORT);
      const opened = await open(await rawEnvelope(canonical, { text: true }), [ky.publicKey]);
      expect(opened.report).toEqual(REPORT);
      const check = await verifyDetachedSignature({ content: canonical, armoredSignature: opened.detachedSignature, keys: [ky.publicKey] });
      expect(check.valid).toBe(true);
    });

    it('takes an already unlocked signing key', async () => {
      const unlocked = await decryptKey({ privateKey: jm.privateKey, passphrase: AGENCY_PASSPHRASE });
      const armored = await sealReport({ report: { a: 1 }, signingKey: unlocked, platformPublicKey });
      expect((await open(armored)).report).toEqual({ a: 1 });
    });
    it('refuses a signature by a subkey of a refused algorithm that has come into force', async () => {
      // A key registered before registration checked subkeys dated in the future: its RSA 2048
      // signing subkey (OpenPGP.js signs with it) is the one picked from its date on.
      const from = new Date(BASE + 5 * DAY);
      const signingKey = await ky.privateKey.addSubkey({ type: 'rsa', rsaBits: 2048, sign: true, date: from });
      const at = new Date(from.getTime() + DAY);
      const armored = await sealReport({ report: REPORT, signingKey, platformPublicKey, now: at });
      const err = await failure(openSealedEnvelope({ armored, platformPrivateKey, senderKeys: [signingKey.toPublic()], now: at }));
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(err.message).toBe('The envelope is signed by a subkey of an algorithm Windward refuses; register a new key');
    });
  });

  describe('sealReport refuses', () => {
    it('a wrong signing key passphrase, without echoing it', async () => {
      const err = await failure(
        sealReport({
          report: REPORT,
          signingKey: { armoredPrivateKey: jm.armoredPrivateKey, passphrase: 'not-the-passphrase-9' },
          platformPublicKey,
        }),
      );
      expect(err).toBeInstanceOf(BadUserInputError);
      expect(err.message).toMatch(/wrong passphrase/);
      expect(JSON.stringify(err.details) + err.message).not.toContain('not-the-passphrase-9');
    });

    it('a locked signing key object', async () => {
      const err = await failure(sealReport({ report: REPORT, signingKey: jm.privateKey, platformPublicKey }));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/locked/);
    });

    it.each([
      ['an array', [1, 2]],
      ['null', null],
      ['a report with a Date', { at: new Date() }],
      ['a report with NaN', { n: Number.NaN }],
    ])('%s', async (_label, report) => {
      const err = await failure(seal({ report: report as Record<string, unknown> }));
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it('a revoked platform key', async () => {
      const platform = await generatePlatformKeyPair({ passphrase: PLATFORM_PASSPHRASE });
      const privateKey = await loadPlatformPrivateKey({ armoredPrivateKey: platform.privateKeyArmored, passphrase: PLATFORM_PASSPHRASE });
      const { publicKey } = await revokeKey({ key: privateKey, format: 'object' });
      const err = await failure(seal({ to: publicKey }));
      expect(err.code).toBe('KEY_REVOKED');
      expect(err.details.fingerprint).toBe(platform.fingerprint);
    });
  });

  describe('openSealedEnvelope refuses', () => {
    it('a tampered envelope with DECRYPTION_FAILED', async () => {
      const bytes = dearmor(await seal());
      bytes[bytes.length - 40] ^= 0x01;
      const err = await failure(open(armor(enums.armor.message, bytes, undefined, undefined, undefined, true)));
      expect(err.code).toBe('DECRYPTION_FAILED');
      expect(err.details.reason).toBe('TAMPERED');
    });

    it('an envelope not encrypted to the platform with DECRYPTION_FAILED', async () => {
      const err = await failure(open(await seal({ to: ky.publicKey })));
      expect(err.code).toBe('DECRYPTION_FAILED');
      expect(err.details.reason).toBe('NOT_FOR_THIS_KEY');
    });

    it('a signed but unencrypted message with DECRYPTION_FAILED', async () => {
      const signedOnly = await sign({
        message: await createMessage({ binary: new TextEncoder().encode(canonicalJson(REPORT)) }),
        signingKeys: ky.privateKey,
      });
      const err = await failure(open(signedOnly, [ky.publicKey]));
      expect(err.code).toBe('DECRYPTION_FAILED');
      expect(err.details.reason).toBe('NOT_ENCRYPTED');
    });

    it('an unsigned envelope with SIGNATURE_INVALID', async () => {
      const err = await failure(open(await rawEnvelope(canonicalJson(REPORT), { signed: false })));
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(err.details.reason).toBe('UNSIGNED');
    });

    it('an envelope signed by a key that is not among the sender keys with SIGNATURE_INVALID', async () => {
      const armored = await seal();
      for (const senderKeys of [[ky.publicKey], []]) {
        const err = await failure(open(armored, senderKeys));
        expect(err.code).toBe('SIGNATURE_INVALID');
        expect(err.details.reason).toBe('UNKNOWN_SIGNER');
        expect(err.message).not.toMatch(/[0-9a-f]{16}/i);
      }
    });

    it('an envelope whose signer key has since been revoked with KEY_REVOKED', async () => {
      const armored = await seal({ now: daysAgo(5) });
      const { publicKey: superseded } = await revokeKey({
        key: await decryptKey({ privateKey: jm.privateKey, passphrase: AGENCY_PASSPHRASE }),
        reasonForRevocation: { flag: enums.reasonForRevocation.keySuperseded },
        date: daysAgo(1),
        format: 'object',
      });
      const err = await failure(open(armored, [superseded]));
      expect(err.code).toBe('KEY_REVOKED');
      expect(err.details).toEqual({ state: 'REVOKED', fingerprint: jm.fingerprint });
    });

    it('an envelope whose signer key has expired with KEY_REVOKED', async () => {
      const expiring = await makeAgency('EX', daysAgo(60), 30 * 86_400);
      const armored = await sealReport({
        report: REPORT,
        signingKey: expiring.privateKey,
        platformPublicKey,
        now: daysAgo(45),
      });
      const err = await failure(open(armored, [expiring.publicKey]));
      expect(err.code).toBe('KEY_REVOKED');
      expect(err.details.state).toBe('EXPIRED');
    });

    it.each([
      ['an array', '[1,2,3]'],
      ['a string', '"report"'],
      ['not JSON', 'reference=JM-1'],
      ['JSON that is not canonical', '{"b":1,"a":2}'],
      ['JSON with a trailing newline', '{"a":1}\n'],
    ])('content that is %s with BAD_USER_INPUT', async (_label, content) => {
      const err = await failure(open(await rawEnvelope(content), [ky.publicKey]));
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it('content that is not UTF-8 with BAD_USER_INPUT', async () => {
      const err = await failure(open(await rawEnvelope(new Uint8Array([0x7b, 0xff, 0x7d])), [ky.publicKey]));
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['garbage', 'not an envelope'],
      ['broken armor', '-----BEGIN PGP MESSAGE-----\n\n%%%%\n-----END PGP MESSAGE-----\n'],
    ])('%s with BAD_USER_INPUT', async (_label, armored) => {
      const err = await failure(open(armored));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.details.fields).toEqual(['envelope']);
    });

    it('a truncated envelope with BAD_USER_INPUT', async () => {
      const bytes = dearmor(await seal());
      const err = await failure(open(armor(enums.armor.message, bytes.subarray(0, bytes.length - 30))));
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it('an envelope with more session key packets than a sealing ever needs, before trying any', async () => {
      // Each PKESK naming the platform key costs a key agreement: thousands of them in 4 MiB kept a
      // crypto thread busy for seconds per request.
      const armored = await seal();
      const message = await readMessage({ armoredMessage: armored });
      const pkesk = message.packets[0].write();
      const junk = new Uint8Array(pkesk.length + 2);
      junk.set([0xc1, pkesk.length], 0); // new-format header, tag 1 (PKESK), one-octet length
      junk.set(pkesk, 2);
      const bytes = dearmor(armored);
      const flooded = new Uint8Array(junk.length * 100 + bytes.length);
      for (let i = 0; i < 100; i += 1) flooded.set(junk, i * junk.length);
      flooded.set(bytes, junk.length * 100);
      const err = await failure(open(armor(enums.armor.message, flooded, undefined, undefined, undefined, true)));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.details.fields).toEqual(['envelope']);
    });

    it('an envelope carrying many signatures, before verifying any', async () => {
      // Every signature naming a registered key hashed the whole (decompressed) content: copies of
      // one signature multiplied the work of a single small envelope without bound.
      const content = new TextEncoder().encode(canonicalJson(REPORT));
      const detached = await sign({ message: await createMessage({ binary: content }), signingKeys: ky.privateKey, detached: true, format: 'object' });
      const packets = new PacketList();
      for (let i = 0; i < 50; i += 1) packets.push(detached.packets[0]);
      packets.push(...(await createMessage({ binary: content })).packets);
      const armored = await encrypt({ message: new Message(packets), encryptionKeys: platformPublicKey });
      const err = await failure(open(armored, [ky.publicKey]));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.details.fields).toEqual(['envelope']);
    });

    it('content that decompresses beyond the limit', async () => {
      const big = canonicalJson({ padding: ' '.repeat(200_000) });
      const armored = await encrypt({
        message: await createMessage({ binary: new TextEncoder().encode(big) }),
        encryptionKeys: platformPublicKey,
        signingKeys: ky.privateKey,
        config: { preferredCompressionAlgorithm: enums.compression.zlib },
      });
      expect(armored.length).toBeLessThan(10_000);
      const err = await failure(
        openSealedEnvelope({ armored, platformPrivateKey, senderKeys: [ky.publicKey], maxPlaintextBytes: 64_000 }),
      );
      expect(err.code).toBe('BAD_USER_INPUT');
    });
  });
});

describe('verifyDetachedSignature', () => {
  let agency: Agency;
  let unlocked: PrivateKey;
  const content = canonicalJson(REPORT);
  let signature: string;

  beforeAll(async () => {
    agency = await makeAgency('JM', daysAgo(100));
    unlocked = agency.privateKey;
    signature = await sign({
      message: await createMessage({ binary: new TextEncoder().encode(content) }),
      signingKeys: unlocked,
      detached: true,
      date: daysAgo(50),
    });
  });

  it('is valid for the signed content and names the signer', async () => {
    await expect(verifyDetachedSignature({ content, armoredSignature: signature, keys: [agency.publicKey] })).resolves.toEqual({
      valid: true,
      signerFingerprint: agency.fingerprint,
      signedAt: new Date(Math.floor(daysAgo(50).getTime() / 1000) * 1000),
      failure: null,
    });
  });

  it('is invalid for modified content', async () => {
    const result = await verifyDetachedSignature({ content: content.replace('12.5', '1.25'), armoredSignature: signature, keys: [agency.publicKey] });
    expect(result).toMatchObject({ valid: false, signerFingerprint: agency.fingerprint, failure: 'BAD_SIGNATURE' });
  });

  it('is invalid when the signer is not among the keys', async () => {
    const other = await makeAgency('KY', daysAgo(100));
    const result = await verifyDetachedSignature({ content, armoredSignature: signature, keys: [other.publicKey] });
    expect(result).toMatchObject({ valid: false, signerFingerprint: null, failure: 'UNKNOWN_SIGNER' });
  });

  it.each([
    ['COMPROMISED', enums.reasonForRevocation.keyCompromised, false],
    ['no reason', enums.reasonForRevocation.noReason, false],
    ['SUPERSEDED', enums.reasonForRevocation.keySuperseded, true],
    ['RETIRED', enums.reasonForRevocation.keyRetired, true],
  ])('after a revocation as %s, an older signature is valid: %s', async (_label, flag, stillValid) => {
    const { publicKey } = await revokeKey({ key: unlocked, reasonForRevocation: { flag }, date: daysAgo(10), format: 'object' });
    const result = await verifyDetachedSignature({ content, armoredSignature: signature, keys: [publicKey] });
    expect(result.valid).toBe(stillValid);
    expect(result.failure).toBe(stillValid ? null : 'KEY_REVOKED');
  });

  it('refuses a malformed signature with BAD_USER_INPUT', async () => {
    await expect(
      verifyDetachedSignature({ content, armoredSignature: 'nope', keys: [agency.publicKey] }),
    ).rejects.toThrow(BadUserInputError);
  });
});
