import { randomUUID } from 'node:crypto';
import type { PrivateKey } from 'openpgp';
import { generateAgencyKeyPair, loadAgencyPublicKey } from '../../src/crypto/agency-key.js';
import { registerWithProof } from '../support/key-registration.js';
import { unlockPrivateKey, utf8Bytes } from '../../src/crypto/openpgp-profile.js';
import { decryptPayload, encryptForRecipients, type Recipient } from '../../src/crypto/recipient-encryption.js';
import { AgencyKeysService } from '../../src/keys/agency-keys.service.js';
import { KeyRewrapService } from '../../src/keys/key-rewrap.service.js';
import { keyRewrapJobId } from '../../src/keys/key-rewrap.types.js';
import { KeyRotationService } from '../../src/keys/key-rotation.service.js';
import { PlatformKeyService } from '../../src/keys/platform-key.service.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const REGISTER = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint } }';
const REVOKE = 'mutation($fp: String!, $reason: KeyRevocationReason!) { revokeAgencyKey(fingerprint: $fp, reason: $reason) { fingerprint } }';
const STATUS = 'query($fp: String!) { keyRotationStatus(fingerprint: $fp) { fingerprint trigger state targetFingerprint progress total done rewrapped removed skipped failedReason } }';

interface RotationStatus {
  fingerprint: string;
  trigger: string;
  state: string;
  targetFingerprint: string | null;
  progress: number;
  total: number;
  done: number;
  rewrapped: number;
  removed: number;
  skipped: number;
  failedReason: string | null;
}

interface TestKey {
  fingerprint: string;
  publicArmored: string;
  privateArmored: string;
  privateKey: PrivateKey;
}

/** A key pair made `hoursAgo` hours ago: the newest valid key is the one data is re-wrapped to. */
async function makeKey(agencyCode: string, hoursAgo: number): Promise<TestKey> {
  const pair = await generateAgencyKeyPair({ agencyCode, now: new Date(Date.now() - hoursAgo * 3600_000) });
  return { fingerprint: pair.fingerprint, publicArmored: pair.publicKeyArmored, privateArmored: pair.privateKeyArmored, privateKey: await unlockPrivateKey({ armoredPrivateKey: pair.privateKeyArmored }) };
}

describe('key rotation and compromise re-wrap PKESKs (keys.rewrap job)', () => {
  let platform: TestPlatform;
  let admin: string;
  let oldKey: TestKey;
  let newKey: TestKey;
  let kyKey: TestKey;
  /** Platform-readable: PLATFORM + JM (+ KY). */
  const shared = randomUUID();
  /** Server-blind: JM only, no PLATFORM row. */
  const blind = randomUUID();
  const plaintext = '{"narrative":"two persons of interest"}';

  const query = <T>(sql: string, parameters: unknown[] = []) => platform.server.runtime.dataSource.query(sql, parameters) as Promise<T>;
  const row = async (seizureId: string, recipient: string) =>
    (await query<{ key_fingerprint: string; pkesk: Buffer }[]>('SELECT key_fingerprint, pkesk FROM section_recipients WHERE seizure_id = $1 AND recipient = $2', [seizureId, recipient]))[0];
  const payloadOf = async (seizureId: string) => (await query<{ payload: Buffer }[]>('SELECT payload FROM sealed_sections WHERE seizure_id = $1', [seizureId]))[0].payload;

  /** Stores a sealed section the way the seizures module does: one payload, one PKESK row per recipient. */
  async function insertSealedSection(seizureId: string, recipients: Recipient[]): Promise<void> {
    const sealed = await encryptForRecipients(utf8Bytes(plaintext), recipients);
    await query('INSERT INTO sealed_sections (seizure_id, payload) VALUES ($1, $2)', [seizureId, Buffer.from(sealed.payload)]);
    for (const wrapped of sealed.wrappedKeys) {
      await query('INSERT INTO section_recipients (seizure_id, recipient, key_fingerprint, pkesk) VALUES ($1, $2, $3, $4)', [
        seizureId,
        wrapped.recipientId,
        wrapped.keyFingerprint,
        Buffer.from(wrapped.pkesk),
      ]);
    }
  }

  async function opens(seizureId: string, key: TestKey): Promise<boolean> {
    const { pkesk } = await row(seizureId, 'JM');
    try {
      const data = await decryptPayload({ pkesk, payload: await payloadOf(seizureId), privateKey: key.privateKey });
      return new TextDecoder().decode(data) === plaintext;
    } catch {
      return false;
    }
  }

  async function statusOf(fingerprint: string): Promise<RotationStatus | null> {
    const { data, errors } = await platform.gql<{ keyRotationStatus: RotationStatus | null }>(admin, STATUS, { fp: fingerprint });
    if (errors) throw new Error(errors[0].message);
    return data!.keyRotationStatus;
  }

  /** Polls the administrator's view until the re-wrap has finished. */
  async function waitForRewrap(fingerprint: string, trigger: string, timeoutMs = 30_000): Promise<RotationStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await statusOf(fingerprint);
      if (status?.trigger === trigger && (status.state === 'COMPLETED' || status.state === 'FAILED')) return status;
      if (Date.now() > deadline) throw new Error(`re-wrap for ${fingerprint} is ${status?.state ?? 'not queued'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
    admin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    [oldKey, newKey, kyKey] = await Promise.all([makeKey('JM', 2), makeKey('JM', 1), makeKey('KY', 1)]);
    expect((await registerWithProof(platform, admin, REGISTER, oldKey.publicArmored, oldKey.privateArmored)).errors).toBeUndefined();
    const kyAdmin = (await platform.userWithKey('KY', ['AGENCY_ADMIN'])).key;
    expect((await registerWithProof(platform, kyAdmin, REGISTER, kyKey.publicArmored, kyKey.privateArmored)).errors).toBeUndefined();
    // Nothing to move yet: the first key's own job finds no rows.
    expect(await waitForRewrap(oldKey.fingerprint, 'REGISTERED')).toMatchObject({ state: 'COMPLETED', total: 0, rewrapped: 0 });

    const platformKey = platform.server.app.get(PlatformKeyService).publicKey;
    const jmOld = await loadAgencyPublicKey(oldKey.publicArmored);
    await insertSealedSection(shared, [
      { recipientId: 'PLATFORM', publicKey: platformKey },
      { recipientId: 'JM', publicKey: jmOld },
      { recipientId: 'KY', publicKey: await loadAgencyPublicKey(kyKey.publicArmored) },
    ]);
    await insertSealedSection(blind, [{ recipientId: 'JM', publicKey: jmOld }]);
  });
  afterAll(() => platform.stop());

  it('moves the agency rows to a newly registered key; server-blind records are skipped and counted', async () => {
    expect(await opens(shared, oldKey)).toBe(true);
    const kyBefore = await row(shared, 'KY');
    const platformBefore = await row(shared, 'PLATFORM');

    expect((await registerWithProof(platform, admin, REGISTER, newKey.publicArmored, newKey.privateArmored)).errors).toBeUndefined();
    const status = await waitForRewrap(newKey.fingerprint, 'REGISTERED');
    expect(status).toEqual({
      fingerprint: newKey.fingerprint,
      trigger: 'REGISTERED',
      state: 'COMPLETED',
      targetFingerprint: newKey.fingerprint,
      progress: 100,
      total: 2,
      done: 2,
      rewrapped: 1,
      removed: 0,
      skipped: 1,
      failedReason: null,
    });

    expect((await row(shared, 'JM')).key_fingerprint).toBe(newKey.fingerprint);
    expect(await opens(shared, newKey)).toBe(true);
    expect(await opens(shared, oldKey)).toBe(false);
    // The server-blind record cannot be re-wrapped: still on the old key, still readable with it.
    expect((await row(blind, 'JM')).key_fingerprint).toBe(oldKey.fingerprint);
    expect(await opens(blind, oldKey)).toBe(true);
    // Other recipients are not touched.
    expect(await row(shared, 'KY')).toEqual(kyBefore);
    expect(await row(shared, 'PLATFORM')).toEqual(platformBefore);
  });

  it('running the re-wrap again changes nothing', async () => {
    const before = await row(shared, 'JM');
    const jobId = await platform.server.app.get(KeyRotationService).enqueue({ agencyCode: 'JM', fingerprint: newKey.fingerprint, trigger: 'REGISTERED' });
    expect(jobId).toBe(keyRewrapJobId({ agencyCode: 'JM', fingerprint: newKey.fingerprint, trigger: 'REGISTERED' }));
    const rerun = await platform.server.app.get(KeyRewrapService).run({ agencyCode: 'JM', fingerprint: newKey.fingerprint, trigger: 'REGISTERED' });
    expect(rerun).toEqual({ targetFingerprint: newKey.fingerprint, total: 1, done: 1, rewrapped: 0, removed: 0, skipped: 1, granted: 0 });
    expect(await row(shared, 'JM')).toEqual(before);
  });

  it('only the agency administrators see the progress, of their own keys', async () => {
    const elo = (await platform.userWithKey('JM', ['ELO'])).key;
    expect((await platform.gql(elo, STATUS, { fp: newKey.fingerprint })).errors![0].extensions.code).toBe('FORBIDDEN');
    const kyAdmin = (await platform.userWithKey('KY', ['AGENCY_ADMIN'])).key;
    expect((await platform.gql(kyAdmin, STATUS, { fp: newKey.fingerprint })).errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('a key revoked as COMPROMISED: rows move to the remaining valid key and its signatures are no longer trusted', async () => {
    expect((await platform.gql(admin, REVOKE, { fp: newKey.fingerprint, reason: 'COMPROMISED' })).errors).toBeUndefined();
    const status = await waitForRewrap(newKey.fingerprint, 'COMPROMISED');
    expect(status).toMatchObject({ state: 'COMPLETED', targetFingerprint: oldKey.fingerprint, rewrapped: 1, removed: 0, skipped: 0 });
    expect((await row(shared, 'JM')).key_fingerprint).toBe(oldKey.fingerprint);
    expect(await opens(shared, oldKey)).toBe(true);
    expect(await opens(shared, newKey)).toBe(false);

    const keys = platform.server.app.get(AgencyKeysService);
    expect(await keys.isSignatureTrusted(newKey.fingerprint)).toBe(false);
    expect(await keys.isSignatureTrusted(oldKey.fingerprint)).toBe(true);
  });

  it('with no valid key left, the PKESKs of a compromised key are deleted (server-blind ones stay)', async () => {
    expect((await platform.gql(admin, REVOKE, { fp: oldKey.fingerprint, reason: 'COMPROMISED' })).errors).toBeUndefined();
    const status = await waitForRewrap(oldKey.fingerprint, 'COMPROMISED');
    expect(status).toMatchObject({ state: 'COMPLETED', targetFingerprint: null, total: 2, removed: 1, skipped: 1, rewrapped: 0 });
    expect(await row(shared, 'JM')).toBeUndefined();
    expect(await row(shared, 'PLATFORM')).toBeDefined();
    expect(await row(shared, 'KY')).toBeDefined();
    expect((await row(blind, 'JM')).key_fingerprint).toBe(oldKey.fingerprint);
    const audited = await query<{ n: number }[]>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'key.rewrap' AND resource_agency = 'JM'");
    expect(audited[0].n).toBe(3);
  });
});
