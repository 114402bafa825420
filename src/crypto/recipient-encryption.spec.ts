import {
  createMessage,
  decrypt,
  encrypt,
  encryptSessionKey,
  enums,
  generateKey,
  generateSessionKey,
  readMessage,
  revokeKey,
  type PrivateKey,
  type PublicKey,
} from 'openpgp';

import { BadUserInputError, DomainError } from '../errors/domain-error.js';
import {
  assembleMessageFor,
  decryptPayload,
  encryptForRecipients,
  unwrapSessionKey,
  wrapSessionKeyFor,
  type WrappedKey,
} from './recipient-encryption.js';

interface Party {
  id: string;
  publicKey: PublicKey;
  privateKey: PrivateKey;
}

async function party(id: string, config?: { aeadProtect: boolean }): Promise<Party> {
  const { publicKey, privateKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: id, email: `${id.toLowerCase()}@windward.invalid` }],
    format: 'object',
    config,
  });
  return { id, publicKey, privateKey };
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

function packetTags(bytes: Uint8Array): Promise<number[]> {
  return readMessage({ binaryMessage: bytes }).then((message) =>
    message.packets.map((packet) => (packet.constructor as unknown as { tag: number }).tag),
  );
}

const PLAINTEXT = new TextEncoder().encode(JSON.stringify({ narrative: 'Persons: J. Doe', persons: ['J. Doe'] }));

describe('recipient encryption', () => {
  let platform: Party;
  let jm: Party;
  let ky: Party;
  let jio: Party;
  let sealed: Awaited<ReturnType<typeof encryptForRecipients>>;
  const wrapped = (id: string): WrappedKey => {
    const found = sealed.wrappedKeys.find((key) => key.recipientId === id);
    if (!found) throw new Error(`no wrapped key for ${id}`);
    return found;
  };

  beforeAll(async () => {
    [platform, jm, ky, jio] = await Promise.all(['PLATFORM', 'JM', 'KY', 'JIO'].map((id) => party(id)));
    sealed = await encryptForRecipients(
      PLAINTEXT,
      [platform, jm, ky].map(({ id, publicKey }) => ({ recipientId: id, publicKey })),
    );
  });

  it('returns one bare PKESK per recipient and a bare v1 SEIPD payload', async () => {
    expect(sealed.wrappedKeys.map((key) => key.recipientId)).toEqual(['PLATFORM', 'JM', 'KY']);
    expect(sealed.wrappedKeys.map((key) => key.keyFingerprint)).toEqual(
      [platform, jm, ky].map((p) => p.publicKey.getFingerprint().toUpperCase()),
    );
    for (const key of sealed.wrappedKeys) {
      expect(await packetTags(key.pkesk)).toEqual([enums.packet.publicKeyEncryptedSessionKey]);
    }
    const payload = await readMessage({ binaryMessage: sealed.payload });
    expect(await packetTags(sealed.payload)).toEqual([enums.packet.symEncryptedIntegrityProtectedData]);
    // v1 SEIPD (MDC, no AEAD): the only kind GnuPG 2.2 reads.
    expect({ ...payload.packets[0] }).toMatchObject({ version: 1 });
  });

  it('lets each recipient decrypt with its own PKESK', async () => {
    for (const recipient of [platform, jm, ky]) {
      const plaintext = await decryptPayload({ ...wrapped(recipient.id), payload: sealed.payload, privateKey: recipient.privateKey });
      expect(plaintext).toEqual(PLAINTEXT);
    }
  });

  it('fails with DECRYPTION_FAILED for a PKESK of another recipient', async () => {
    const err = await failure(decryptPayload({ pkesk: wrapped('JM').pkesk, payload: sealed.payload, privateKey: ky.privateKey }));
    expect(err.code).toBe('DECRYPTION_FAILED');
    expect(err.details.reason).toBe('NOT_FOR_THIS_KEY');
  });

  it('fails with DECRYPTION_FAILED for a tampered payload', async () => {
    const tampered = new Uint8Array(sealed.payload);
    tampered[tampered.length - 30] ^= 0x01;
    const err = await failure(decryptPayload({ pkesk: wrapped('JM').pkesk, payload: tampered, privateKey: jm.privateKey }));
    expect(err.code).toBe('DECRYPTION_FAILED');
    expect(err.details.reason).toBe('TAMPERED');
  });

  it('re-wraps the session key for a new recipient without touching the payload', async () => {
    const sessionKey = await unwrapSessionKey({ pkesk: wrapped('PLATFORM').pkesk, payload: sealed.payload, privateKey: platform.privateKey });
    expect(sessionKey.algorithm).toBe('aes256');
    expect(sessionKey.aeadAlgorithm).toBeUndefined();
    // Unwrapping parses afresh each time (OpenPGP.js mutates decrypted messages), so it repeats.
    await expect(
      unwrapSessionKey({ pkesk: wrapped('PLATFORM').pkesk, payload: sealed.payload, privateKey: platform.privateKey }),
    ).resolves.toEqual(sessionKey);

    const pkesk = await wrapSessionKeyFor({ sessionKey, publicKey: jio.publicKey });
    expect(await decryptPayload({ pkesk, payload: sealed.payload, privateKey: jio.privateKey })).toEqual(PLAINTEXT);
  });

  it('refuses to wrap for a revoked key with KEY_REVOKED', async () => {
    const sessionKey = await unwrapSessionKey({ pkesk: wrapped('JM').pkesk, payload: sealed.payload, privateKey: jm.privateKey });
    const { publicKey: revoked } = await revokeKey({ key: jio.privateKey, format: 'object' });
    const err = await failure(wrapSessionKeyFor({ sessionKey, publicKey: revoked }));
    expect(err.code).toBe('KEY_REVOKED');
    expect(err.details.fingerprint).toBe(jio.publicKey.getFingerprint().toUpperCase());
    await expect(
      encryptForRecipients(PLAINTEXT, [{ recipientId: 'JIO', publicKey: revoked }]),
    ).rejects.toMatchObject({ code: 'KEY_REVOKED' });
  });

  it('assembles a complete message for one recipient that discloses no other recipient', async () => {
    const armored = await assembleMessageFor({ pkesk: wrapped('KY').pkesk, payload: sealed.payload, armored: true });
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    // GnuPG 2.2 needs the CRC24 line for v1 SEIPD messages.
    expect(armored).toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----/);
    const message = await readMessage({ armoredMessage: armored });
    expect(message.getEncryptionKeyIDs().map((id) => id.toHex())).toEqual([
      (await ky.publicKey.getEncryptionKey()).getKeyID().toHex(),
    ]);
    const { data } = await decrypt({ message, decryptionKeys: ky.privateKey, format: 'binary' });
    expect(data).toEqual(PLAINTEXT);

    const binary = await assembleMessageFor({ pkesk: wrapped('KY').pkesk, payload: sealed.payload, armored: false });
    const fromBinary = await decrypt({ message: await readMessage({ binaryMessage: binary }), decryptionKeys: ky.privateKey, format: 'binary' });
    expect(fromBinary.data).toEqual(PLAINTEXT);
  });

  it('refuses packets in the wrong places with BAD_USER_INPUT', async () => {
    const err = await failure(
      assembleMessageFor({ pkesk: sealed.payload, payload: wrapped('KY').pkesk, armored: true }),
    );
    expect(err).toBeInstanceOf(BadUserInputError);
    const twoKeys = new Uint8Array([...wrapped('KY').pkesk, ...wrapped('JM').pkesk]);
    expect(await failure(decryptPayload({ pkesk: twoKeys, payload: sealed.payload, privateKey: ky.privateKey }))).toBeInstanceOf(
      BadUserInputError,
    );
    expect(
      await failure(decryptPayload({ pkesk: new Uint8Array([1, 2, 3]), payload: sealed.payload, privateKey: ky.privateKey })),
    ).toBeInstanceOf(BadUserInputError);
  });

  it('refuses an empty or duplicated recipient list', async () => {
    await expect(encryptForRecipients(PLAINTEXT, [])).rejects.toThrow(BadUserInputError);
    await expect(
      encryptForRecipients(PLAINTEXT, [
        { recipientId: 'JM', publicKey: jm.publicKey },
        { recipientId: 'JM', publicKey: ky.publicKey },
      ]),
    ).rejects.toThrow(BadUserInputError);
  });

  it('re-wraps RFC 9580 (SEIPDv2) payloads too, reading the cipher from the data packet', async () => {
    const aead = { aeadProtect: true };
    const [alice, bob] = await Promise.all([party('ALICE', aead), party('BOB', aead)]);
    const sessionKey = await generateSessionKey({ encryptionKeys: alice.publicKey, config: aead });
    expect(sessionKey.aeadAlgorithm).toBeDefined();
    const payload = await encrypt({
      message: await createMessage({ binary: PLAINTEXT }),
      sessionKey,
      format: 'binary',
      config: aead,
    });
    const pkesk = await encryptSessionKey({ ...sessionKey, encryptionKeys: alice.publicKey, format: 'binary', config: aead });

    const unwrapped = await unwrapSessionKey({ pkesk, payload, privateKey: alice.privateKey });
    expect(unwrapped).toEqual({ data: sessionKey.data, algorithm: sessionKey.algorithm, aeadAlgorithm: sessionKey.aeadAlgorithm });
    const forBob = await wrapSessionKeyFor({ sessionKey: unwrapped, publicKey: bob.publicKey });
    expect(await decryptPayload({ pkesk: forBob, payload, privateKey: bob.privateKey })).toEqual(PLAINTEXT);
    // No CRC24 line for SEIPDv2 (RFC 9580 forbids it).
    expect(await assembleMessageFor({ pkesk: forBob, payload, armored: true })).not.toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END/);
  });
});
