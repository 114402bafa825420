import { generateKey, readKey } from 'openpgp';
import { generateAgencyKeyPair } from '../../src/crypto/agency-key.js';
import { AgencyKeysService } from '../../src/keys/agency-keys.service.js';
import { keyChallenge, registerWithProof } from '../support/key-registration.js';
import { signChallenge } from '../../src/keys/key-register.command.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/** For refusals that come before the proof of possession is looked at. */
const NO_PROOF = 'not looked at';

const REGISTER = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint agencyCode algorithm createdAt expiresAt revokedAt revocationReason armored } }';
const REVOKE =
  'mutation($fp: String!, $reason: KeyRevocationReason!, $note: String) { revokeAgencyKey(fingerprint: $fp, reason: $reason, note: $note) { fingerprint revokedAt revocationReason } }';

interface KeyFields {
  fingerprint: string;
  agencyCode: string;
  algorithm: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  armored: string;
}

describe('agency keys through GraphQL', () => {
  let platform: TestPlatform;
  let jmAdmin: string;
  let kyAdmin: string;
  let jmElo: string;

  const count = async (sql: string, parameters: unknown[] = []): Promise<number> => {
    const [row] = (await platform.server.runtime.dataSource.query(sql, parameters)) as { n: number }[];
    return row.n;
  };
  const storedKeys = () => count('SELECT count(*)::int AS n FROM agency_keys');

  beforeAll(async () => {
    platform = await startTestPlatform();
    jmAdmin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    kyAdmin = (await platform.userWithKey('KY', ['AGENCY_ADMIN'])).key;
    jmElo = (await platform.userWithKey('JM', ['ELO'])).key;
  });
  afterAll(() => platform.stop());

  describe('registration refusals store nothing', () => {
    it('refuses a private key with a clear message', async () => {
      const pair = await generateAgencyKeyPair({ agencyCode: 'JM' });
      const { data, errors } = await platform.gql(jmAdmin, REGISTER, { key: pair.privateKeyArmored, signed: NO_PROOF });
      expect(data).toBeNull();
      expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors![0].message).toMatch(/Private keys are refused/);
      expect(JSON.stringify(errors)).not.toContain('PRIVATE KEY BLOCK');
      expect(await storedKeys()).toBe(0);
    });

    it('refuses a key windward keygen made for another agency, naming it', async () => {
      const pair = await generateAgencyKeyPair({ agencyCode: 'KY' });
      const { errors } = await registerWithProof(platform, jmAdmin, REGISTER, pair.publicKeyArmored, pair.privateKeyArmored);
      expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors![0].extensions.fields).toEqual(['armoredPublicKey']);
      expect(errors![0].message).toBe('This key was generated for agency KY (windward keygen --agency KY); generate one for JM');
      expect(await storedKeys()).toBe(0);
    });

    it('refuses a key whose subkey of a refused algorithm is dated in the future, in one line naming it', async () => {
      // Not valid yet, so not used yet: OpenPGP.js would encrypt to it (X25519, which GnuPG 2.2 cannot use) from its date on.
      const { privateKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'JM Customs', email: 'ops@jm.example' }], format: 'object' });
      const withFuture = await privateKey.addSubkey({ type: 'curve25519', date: new Date(Date.now() + 30 * 86_400_000) });
      const subkeyId = withFuture.subkeys[1].getKeyID().toHex().toUpperCase();
      const { data, errors } = await registerWithProof(platform, jmAdmin, REGISTER, withFuture.toPublic().armor(), withFuture.armor());
      expect(data).toBeNull();
      expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['armoredPublicKey'] });
      expect(errors![0].message).toMatch(new RegExp(`^The subkey ${subkeyId} \\(dated \\d{4}-\\d{2}-\\d{2}, in the future\\) uses x25519, which GnuPG 2\\.2 peers cannot use; use a Curve25519 \\(ed25519/cv25519\\) or RSA \\(3072 bits or more\\) key$`));
      expect(await storedKeys()).toBe(0);
    });

    it('refuses a malformed key as BAD_USER_INPUT', async () => {
      const { errors } = await platform.gql(jmAdmin, REGISTER, { key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n', signed: NO_PROOF });
      expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors![0].extensions.fields).toEqual(['armoredPublicKey']);
      expect(await storedKeys()).toBe(0);
    });

    it('refuses an expired key as KEY_REVOKED', async () => {
      // Made two hours ago, valid for one: GnuPG-style expiry through OpenPGP.js keyExpirationTime.
      const { publicKey } = await generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'JM Customs', email: 'jm@windward.invalid' }],
        keyExpirationTime: 3600,
        date: new Date(Date.now() - 2 * 3600_000),
        config: { v6Keys: false, aeadProtect: false },
      });
      const { errors } = await platform.gql(jmAdmin, REGISTER, { key: publicKey, signed: NO_PROOF });
      expect(errors![0].extensions.code).toBe('KEY_REVOKED');
      expect(await storedKeys()).toBe(0);
    });

    it('is for agency administrators only', async () => {
      const pair = await generateAgencyKeyPair({ agencyCode: 'JM' });
      const { errors } = await platform.gql(jmElo, REGISTER, { key: pair.publicKeyArmored, signed: NO_PROOF });
      expect(errors![0].extensions.code).toBe('FORBIDDEN');
      expect((await platform.gql(null, REGISTER, { key: pair.publicKeyArmored, signed: NO_PROOF })).errors![0].extensions.code).toBe('UNAUTHENTICATED');
      expect(await storedKeys()).toBe(0);
    });
  });

  describe('registration, reading and revocation', () => {
    let jmKey: Awaited<ReturnType<typeof generateAgencyKeyPair>>;
    let registered: KeyFields;

    beforeAll(async () => {
      jmKey = await generateAgencyKeyPair({ agencyCode: 'JM' });
    });

    it('registers a public key for the caller agency, and audits it', async () => {
      const { data, errors } = await registerWithProof<{ registerAgencyKey: KeyFields }>(platform, jmAdmin, REGISTER, jmKey.publicKeyArmored, jmKey.privateKeyArmored);
      expect(errors).toBeUndefined();
      registered = data!.registerAgencyKey;
      expect(registered).toEqual({
        fingerprint: jmKey.fingerprint,
        agencyCode: 'JM',
        algorithm: 'curve25519',
        createdAt: expect.any(String),
        expiresAt: null,
        revokedAt: null,
        revocationReason: null,
        armored: expect.stringContaining('-----BEGIN PGP PUBLIC KEY BLOCK-----'),
      });
      expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE action = 'key.register' AND details->>'fingerprint' = $1", [jmKey.fingerprint])).toBe(1);
    });

    it('registering the same key again is idempotent', async () => {
      const { data, errors } = await registerWithProof<{ registerAgencyKey: KeyFields }>(platform, jmAdmin, REGISTER, jmKey.publicKeyArmored, jmKey.privateKeyArmored);
      expect(errors).toBeUndefined();
      expect(data!.registerAgencyKey).toEqual(registered);
      expect(await storedKeys()).toBe(1);
      expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE action = 'key.register'")).toBe(1);
    });

    it("refuses another agency's key as CONFLICT, even to a caller that holds its private key", async () => {
      const { errors } = await registerWithProof(platform, kyAdmin, REGISTER, jmKey.publicKeyArmored, jmKey.privateKeyArmored);
      expect(errors![0].extensions.code).toBe('CONFLICT');
      expect(await storedKeys()).toBe(1);
    });

    it('shows every agency its keys, in one query for the whole list', async () => {
      // Counts the service calls the field resolver makes (jest.spyOn is not a global under native ESM).
      const keys = platform.server.app.get(AgencyKeysService);
      const original = keys.listForAgencies;
      let calls = 0;
      keys.listForAgencies = (codes) => {
        calls += 1;
        return original.call(keys, codes);
      };
      try {
        const { data, errors } = await platform.gql<{ agencies: { code: string; keys: { fingerprint: string; agencyCode: string }[] }[] }>(
          jmElo,
          '{ agencies { code keys { fingerprint agencyCode } } }',
        );
        expect(errors).toBeUndefined();
        expect(data!.agencies.find((a) => a.code === 'JM')!.keys).toEqual([{ fingerprint: jmKey.fingerprint, agencyCode: 'JM' }]);
        expect(data!.agencies.find((a) => a.code === 'KY')!.keys).toEqual([]);
        expect(calls).toBe(1);
      } finally {
        keys.listForAgencies = original;
      }
      const one = await platform.gql<{ agency: { keys: { fingerprint: string }[] } }>(kyAdmin, '{ agency(code: "JM") { keys { fingerprint } } }');
      expect(one.data!.agency.keys).toEqual([{ fingerprint: jmKey.fingerprint }]);
    });

    it("answers NOT_FOUND for another agency's key and for an unknown one", async () => {
      const other = await platform.gql(kyAdmin, REVOKE, { fp: jmKey.fingerprint, reason: 'RETIRED' });
      expect(other.errors![0].extensions.code).toBe('NOT_FOUND');
      const unknown = await platform.gql(jmAdmin, REVOKE, { fp: 'AB'.repeat(20), reason: 'RETIRED' });
      expect(unknown.errors![0].extensions.code).toBe('NOT_FOUND');
      expect(other.errors![0].message).toBe(unknown.errors![0].message);
      expect((await platform.gql(jmElo, REVOKE, { fp: jmKey.fingerprint, reason: 'RETIRED' })).errors![0].extensions.code).toBe('FORBIDDEN');
    });

    it('revokes its own key (fingerprint as GnuPG prints it), audits it, and keeps its signatures trusted unless compromised', async () => {
      const spaced = jmKey.fingerprint.toLowerCase().replace(/(.{4})/g, '$1 ').trim();
      const { data, errors } = await platform.gql<{ revokeAgencyKey: { fingerprint: string; revokedAt: string; revocationReason: string } }>(jmAdmin, REVOKE, {
        fp: spaced,
        reason: 'SUPERSEDED',
        note: 'replaced by the 2027 key',
      });
      expect(errors).toBeUndefined();
      expect(data!.revokeAgencyKey).toEqual({ fingerprint: jmKey.fingerprint, revokedAt: expect.any(String), revocationReason: 'SUPERSEDED' });
      const keys = platform.server.app.get(AgencyKeysService);
      expect(await keys.isSignatureTrusted(jmKey.fingerprint)).toBe(true);

      // Revoking again changes nothing; finding out later that it was compromised does.
      const again = await platform.gql<{ revokeAgencyKey: { revokedAt: string; revocationReason: string } }>(jmAdmin, REVOKE, { fp: jmKey.fingerprint, reason: 'RETIRED' });
      expect(again.data!.revokeAgencyKey).toMatchObject({ revokedAt: data!.revokeAgencyKey.revokedAt, revocationReason: 'SUPERSEDED' });
      const compromised = await platform.gql<{ revokeAgencyKey: { revokedAt: string; revocationReason: string } }>(jmAdmin, REVOKE, { fp: jmKey.fingerprint, reason: 'COMPROMISED' });
      expect(compromised.data!.revokeAgencyKey).toMatchObject({ revokedAt: data!.revokeAgencyKey.revokedAt, revocationReason: 'COMPROMISED' });
      expect(await keys.isSignatureTrusted(jmKey.fingerprint)).toBe(false);
      expect(await keys.isSignatureTrusted('00'.repeat(20))).toBe(false);
      expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE action = 'key.revoke'")).toBe(2);

      const listed = await platform.gql<{ agency: { keys: { revokedAt: string; revocationReason: string }[] } }>(jmElo, '{ agency(code: "JM") { keys { revokedAt revocationReason } } }');
      expect(listed.data!.agency.keys).toEqual([{ revokedAt: data!.revokeAgencyKey.revokedAt, revocationReason: 'COMPROMISED' }]);
    });

    it('refuses to register a revoked key again', async () => {
      const { errors } = await registerWithProof(platform, jmAdmin, REGISTER, jmKey.publicKeyArmored, jmKey.privateKeyArmored);
      expect(errors![0].extensions.code).toBe('KEY_REVOKED');
    });

    it('refuses an over-long revocation note', async () => {
      const pair = await generateAgencyKeyPair({ agencyCode: 'KY' });
      await registerWithProof(platform, kyAdmin, REGISTER, pair.publicKeyArmored, pair.privateKeyArmored);
      const { errors } = await platform.gql(kyAdmin, REVOKE, { fp: pair.fingerprint, reason: 'RETIRED', note: 'x'.repeat(501) });
      expect(errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors![0].extensions.fields).toEqual(['note']);
    });
  });

  describe('proof of possession (no key squatting)', () => {
    it("refuses a key the caller cannot sign with: another agency's key stays free for its owner", async () => {
      const before = await storedKeys();
      const jmPair = await generateAgencyKeyPair({ agencyCode: 'JM' });
      const kyPair = await generateAgencyKeyPair({ agencyCode: 'KY' });
      // KY's administrator has JM's public key (it is public), but signs with KY's own private key.
      const squat = await registerWithProof(platform, kyAdmin, REGISTER, jmPair.publicKeyArmored, kyPair.privateKeyArmored);
      expect(squat.errors![0].extensions.code).toBe('SIGNATURE_INVALID');
      expect(squat.errors![0].message).toMatch(/not signed by the key being registered/);
      // Replaying a signature JM made for its own challenge: it names JM and was issued to JM's admin.
      const jmChallenge = await keyChallenge(platform, jmAdmin);
      const jmSigned = await signChallenge(jmChallenge.text!, jmPair.privateKeyArmored);
      const replay = await platform.gql(kyAdmin, REGISTER, { key: jmPair.publicKeyArmored, signed: jmSigned });
      expect(replay.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['signedChallenge'] });
      expect(await storedKeys()).toBe(before);
      // The rightful agency registers it with its own signature; the same signature cannot be used twice.
      const rightful = await platform.gql<{ registerAgencyKey: KeyFields }>(jmAdmin, REGISTER, { key: jmPair.publicKeyArmored, signed: jmSigned });
      expect(rightful.errors).toBeUndefined();
      expect(rightful.data!.registerAgencyKey.agencyCode).toBe('JM');
      const again = await platform.gql(jmAdmin, REGISTER, { key: jmPair.publicKeyArmored, signed: jmSigned });
      expect(again.errors![0].message).toMatch(/expired or was already used/);
    });

    it('refuses a signature over other text, a missing signature and a text that is not a challenge', async () => {
      const before = await storedKeys();
      const pair = await generateAgencyKeyPair({ agencyCode: 'JM' });
      const challenge = await keyChallenge(platform, jmAdmin);
      expect(challenge.text).toMatch(/^Windward key possession challenge\nPurpose: agency-key\nAgency: JM\nNonce: [A-Za-z0-9_-]{43}\nExpires: /);
      const tampered = await signChallenge(challenge.text!.replace('Agency: JM', 'Agency: KY'), pair.privateKeyArmored);
      expect((await platform.gql(jmAdmin, REGISTER, { key: pair.publicKeyArmored, signed: tampered })).errors![0].extensions.code).toBe('BAD_USER_INPUT');
      const unrelated = await signChallenge('hello', pair.privateKeyArmored);
      expect((await platform.gql(jmAdmin, REGISTER, { key: pair.publicKeyArmored, signed: unrelated })).errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect((await platform.gql(jmAdmin, REGISTER, { key: pair.publicKeyArmored, signed: 'garbage' })).errors![0].extensions.fields).toEqual(['signedChallenge']);
      expect(await storedKeys()).toBe(before);
    });
  });

  it('serves the platform public key to any authenticated caller, never the private one', async () => {
    const { data } = await platform.gql<{ platformKey: string }>(jmElo, '{ platformKey }');
    expect(data!.platformKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(data!.platformKey).not.toContain('PRIVATE');
    const key = await readKey({ armoredKey: data!.platformKey });
    expect(key.isPrivate()).toBe(false);
    expect((await platform.gql(null, '{ platformKey }')).errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
