import { randomBytes } from 'node:crypto';
import { createMessage, decrypt, readMessage, readPrivateKey, sign } from 'openpgp';
import { generateAgencyKeyPair, inspectAgencyPublicKey } from '../../src/crypto/agency-key.js';
import type { GeneratedKeyPair } from '../../src/crypto/openpgp-profile.js';
import { AgencyKeyEntity } from '../../src/keys/agency-key.entity.js';
import { KeyRewrapService } from '../../src/keys/key-rewrap.service.js';
import { SUBMIT, seizureInput } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * Personal keys: registered with proof of possession; RED sections naming a user are wrapped to
 * their own key instead of their agency's; a server-blind section sealed to a key later revoked as
 * COMPROMISED is reported to its owner and listed for the owner's agency administrator.
 */
const CHALLENGE = 'mutation { personalKeyChallenge { challenge nonce expiresAt } }';
const REGISTER = 'mutation($key: String!, $signed: String!) { registerPersonalKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint revokedAt } }';
const REVOKE = 'mutation($fp: String!, $reason: KeyRevocationReason!) { revokePersonalKey(fingerprint: $fp, reason: $reason) { fingerprint revocationReason } }';
const SEALED = 'query($id: ID!) { seizure(id: $id) { id sealedFor sealedForMe } }';
const RESEAL = '{ sectionsToReseal { seizureId reference createdBy recipient keyFingerprint } }';

interface User {
  email: string;
  userId: string;
  key: string;
}

describe('personal keys', () => {
  let platform: TestPlatform;
  let jmElo: User;
  let jmAdmin: User;
  let jmOther: User;
  let kyAnalyst: User;
  let ttAnalyst: User;
  let kyPersonal: GeneratedKeyPair;
  let kyAgency: GeneratedKeyPair;
  let kyPersonalFingerprint: string;

  async function storeAgencyKey(agencyCode: string, pair: GeneratedKeyPair, by: string): Promise<void> {
    const info = await inspectAgencyPublicKey(pair.publicKeyArmored);
    await platform.server.runtime.dataSource.getRepository(AgencyKeyEntity).insert({
      fingerprint: info.fingerprint, agencyCode, algorithm: info.algorithm, armored: info.armored,
      keyCreatedAt: info.createdAt, expiresAt: info.expiresAt, registeredBy: by,
    });
  }

  async function signed(text: string, pair: GeneratedKeyPair): Promise<string> {
    const privateKey = await readPrivateKey({ armoredKey: pair.privateKeyArmored });
    return sign({ message: await createMessage({ text }), signingKeys: privateKey }) as Promise<string>;
  }

  async function challenge(user: User): Promise<string> {
    const response = await platform.gql<{ personalKeyChallenge: { challenge: string } }>(user.key, CHALLENGE);
    expect(response.errors).toBeUndefined();
    return response.data!.personalKeyChallenge.challenge;
  }

  async function open(armored: string, pair: GeneratedKeyPair): Promise<unknown> {
    const decryptionKeys = await readPrivateKey({ armoredKey: pair.privateKeyArmored });
    const { data } = await decrypt({ message: await readMessage({ armoredMessage: armored }), decryptionKeys });
    return JSON.parse(data as string);
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    jmElo = await platform.userWithKey('JM', ['ELO']);
    jmAdmin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
    jmOther = await platform.userWithKey('JM', ['ELO']);
    kyAnalyst = await platform.userWithKey('KY', ['ANALYST']);
    ttAnalyst = await platform.userWithKey('TT', ['ANALYST']);
    await storeAgencyKey('JM', await generateAgencyKeyPair({ agencyCode: 'JM' }), jmAdmin.userId);
    kyAgency = await generateAgencyKeyPair({ agencyCode: 'KY' });
    await storeAgencyKey('KY', kyAgency, kyAnalyst.userId);
    await storeAgencyKey('TT', await generateAgencyKeyPair({ agencyCode: 'TT' }), ttAnalyst.userId);
    kyPersonal = await generateAgencyKeyPair({ agencyCode: 'KY-ANALYST' });
  });
  afterAll(() => platform?.stop());

  it('registers a personal key only with a signature by that key over a challenge issued to the caller', async () => {
    const other = await generateAgencyKeyPair({ agencyCode: 'OTHER' });
    // Signed by another key.
    const wrongSigner = await platform.gql(kyAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: await signed(await challenge(kyAnalyst), other) });
    expect(wrongSigner.errors?.[0].extensions.code).toBe('SIGNATURE_INVALID');
    // A challenge issued to someone else.
    const stolen = await platform.gql(kyAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: await signed(await challenge(ttAnalyst), kyPersonal) });
    expect(stolen.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['signedChallenge'] });
    // Not a challenge at all.
    const forged = await platform.gql(kyAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: await signed('Nonce: whatever', kyPersonal) });
    expect(forged.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await platform.server.runtime.dataSource.query('SELECT count(*)::int AS n FROM user_keys'))[0].n).toBe(0);

    const text = await challenge(kyAnalyst);
    const proof = await signed(text, kyPersonal);
    const registered = await platform.gql<{ registerPersonalKey: { fingerprint: string } }>(kyAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: proof });
    expect(registered.errors).toBeUndefined();
    kyPersonalFingerprint = registered.data!.registerPersonalKey.fingerprint;
    // The challenge is spent.
    const replay = await platform.gql(kyAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: proof });
    expect(replay.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    // Nobody else can claim it.
    const claimed = await platform.gql(ttAnalyst.key, REGISTER, { key: kyPersonal.publicKeyArmored, signed: await signed(await challenge(ttAnalyst), kyPersonal) });
    expect(claimed.errors?.[0].extensions.code).toBe('CONFLICT');
  });

  it("wraps a RED section to the named user's personal key, not to their agency's key", async () => {
    const marker = randomBytes(4).toString('hex');
    const input = seizureInput({ tlp: 'RED', releasableToUsers: [kyAnalyst.userId, ttAnalyst.userId], sensitive: { narrative: `Narrative ${marker}` } });
    const submitted = await platform.gql<{ submitSeizure: { id: string } }>(jmElo.key, SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitSeizure.id;
    const recipients = (await platform.server.runtime.dataSource.query(
      'SELECT recipient, key_fingerprint FROM section_recipients WHERE seizure_id = $1 ORDER BY recipient', [id],
    )) as { recipient: string; key_fingerprint: string }[];
    // Owner agency, the platform, TT's agency key (no personal key), and the KY analyst's own key; not KY's agency key.
    expect(recipients.map((r) => r.recipient)).toEqual(['JM', 'PLATFORM', 'TT', `user:${kyAnalyst.userId}`].sort());
    expect(recipients.find((r) => r.recipient === `user:${kyAnalyst.userId}`)!.key_fingerprint).toBe(kyPersonalFingerprint);

    const ky = await platform.gql<{ seizure: { sealedFor: string | null; sealedForMe: string | null } }>(kyAnalyst.key, SEALED, { id });
    expect(ky.errors).toBeUndefined();
    expect(ky.data!.seizure.sealedFor).toBeNull();
    expect(await open(ky.data!.seizure.sealedForMe!, kyPersonal)).toMatchObject({ narrative: `Narrative ${marker}` });
    await expect(open(ky.data!.seizure.sealedForMe!, kyAgency)).rejects.toThrow();
    const tt = await platform.gql<{ seizure: { sealedFor: string | null; sealedForMe: string | null } }>(ttAnalyst.key, SEALED, { id });
    expect(tt.data!.seizure.sealedFor).toContain('BEGIN PGP MESSAGE');
    expect(tt.data!.seizure.sealedForMe).toBeNull();
    // Each copy handed out is recorded, naming the key it was sealed for; what was null is not.
    const handedOut = await platform.server.runtime.dataSource.query(
      "SELECT actor, fields, details FROM audit_events WHERE action = 'seizure.disclose.sealed' AND resource_id = $1 ORDER BY seq", [id],
    );
    expect(handedOut).toEqual([
      { actor: kyAnalyst.userId, fields: ['sealedForMe'], details: { recipient: `user:${kyAnalyst.userId}` } },
      { actor: ttAnalyst.userId, fields: ['sealedFor'], details: { recipient: 'TT' } },
    ]);
  });

  it('moves sections away from a personal key revoked as COMPROMISED: to the user\'s newer key, else to their agency\'s', async () => {
    const officer = await platform.userWithKey('KY', ['ANALYST']);
    const register = async (pair: GeneratedKeyPair) => {
      const answer = await platform.gql<{ registerPersonalKey: { fingerprint: string } }>(officer.key, REGISTER, { key: pair.publicKeyArmored, signed: await signed(await challenge(officer), pair) });
      expect(answer.errors).toBeUndefined();
      return answer.data!.registerPersonalKey.fingerprint;
    };
    const rows = async (id: string) => platform.server.runtime.dataSource.query(
      'SELECT recipient, key_fingerprint FROM section_recipients WHERE seizure_id = $1 ORDER BY recipient', [id],
    ) as Promise<{ recipient: string; key_fingerprint: string }[]>;
    const first = await generateAgencyKeyPair({ agencyCode: 'KY-OFFICER' });
    const firstFingerprint = await register(first);
    const marker = randomBytes(4).toString('hex');
    const submitted = await platform.gql<{ submitSeizure: { id: string } }>(jmElo.key, SUBMIT, {
      input: seizureInput({ tlp: 'RED', releasableToUsers: [officer.userId], sensitive: { narrative: `Narrative ${marker}` } }),
    });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitSeizure.id;
    expect((await rows(id)).find((r) => r.recipient === `user:${officer.userId}`)?.key_fingerprint).toBe(firstFingerprint);

    // A newer key, then the first one is found compromised: the officer's copy moves to the newer key.
    const second = await generateAgencyKeyPair({ agencyCode: 'KY-OFFICER' });
    const secondFingerprint = await register(second);
    expect((await platform.gql(officer.key, REVOKE, { fp: firstFingerprint, reason: 'COMPROMISED' })).errors).toBeUndefined();
    expect((await rows(id)).filter((r) => r.key_fingerprint === firstFingerprint)).toEqual([]);
    const mine = await platform.gql<{ seizure: { sealedFor: string | null; sealedForMe: string | null } }>(officer.key, SEALED, { id });
    expect(await open(mine.data!.seizure.sealedForMe!, second)).toMatchObject({ narrative: `Narrative ${marker}` });
    await expect(open(mine.data!.seizure.sealedForMe!, first)).rejects.toThrow();

    // No valid personal key left: the section goes to the officer's agency, as for a user without one.
    expect((await platform.gql(officer.key, REVOKE, { fp: secondFingerprint, reason: 'COMPROMISED' })).errors).toBeUndefined();
    expect((await rows(id)).map((r) => r.recipient)).toEqual(['JM', 'KY', 'PLATFORM']);
    const agency = await platform.gql<{ seizure: { sealedFor: string | null; sealedForMe: string | null } }>(officer.key, SEALED, { id });
    expect(agency.data!.seizure.sealedForMe).toBeNull();
    expect(await open(agency.data!.seizure.sealedFor!, kyAgency)).toMatchObject({ narrative: `Narrative ${marker}` });
  });

  it("moves a user's existing RED sections to the personal key they register, away from their agency's key", async () => {
    const officer = await platform.userWithKey('KY', ['ANALYST']);
    const marker = randomBytes(4).toString('hex');
    const submitted = await platform.gql<{ submitSeizure: { id: string } }>(jmElo.key, SUBMIT, {
      input: seizureInput({ tlp: 'RED', releasableToUsers: [officer.userId], sensitive: { narrative: `Narrative ${marker}` } }),
    });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitSeizure.id;
    const recipients = async () => (await platform.server.runtime.dataSource.query(
      'SELECT recipient FROM section_recipients WHERE seizure_id = $1 ORDER BY recipient', [id],
    ) as { recipient: string }[]).map((r) => r.recipient);
    expect(await recipients()).toEqual(['JM', 'KY', 'PLATFORM']);

    const personal = await generateAgencyKeyPair({ agencyCode: 'KY-OFFICER' });
    const registered = await platform.gql(officer.key, REGISTER, { key: personal.publicKeyArmored, signed: await signed(await challenge(officer), personal) });
    expect(registered.errors).toBeUndefined();
    // As for a report made after registering: the officer's own key, not KY's.
    expect(await recipients()).toEqual(['JM', 'PLATFORM', `user:${officer.userId}`]);
    const sealed = await platform.gql<{ seizure: { sealedFor: string | null; sealedForMe: string | null } }>(officer.key, SEALED, { id });
    expect(sealed.data!.seizure.sealedFor).toBeNull();
    expect(await open(sealed.data!.seizure.sealedForMe!, personal)).toMatchObject({ narrative: `Narrative ${marker}` });
  });

  it('lists server-blind reports sealed to a key revoked as COMPROMISED for the owner and their admin, until re-sealed', async () => {
    const sensitive = { narrative: `Blind ${randomBytes(4).toString('hex')}` };
    const input = seizureInput({ tlp: 'RED', serverBlind: true, releasableToUsers: [kyAnalyst.userId], sensitive, sensitiveDigest: randomBytes(32).toString('base64url') });
    const submitted = await platform.gql<{ submitSeizure: { id: string; reference: string } }>(jmElo.key, SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    const { id, reference } = submitted.data!.submitSeizure;
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(jmAdmin.key, RESEAL)).data!.sectionsToReseal).toEqual([]);

    const revoked = await platform.gql(kyAnalyst.key, REVOKE, { fp: kyPersonalFingerprint, reason: 'COMPROMISED' });
    expect(revoked.errors).toBeUndefined();
    const expected = [{ seizureId: id, reference, createdBy: jmElo.userId, recipient: `user:${kyAnalyst.userId}`, keyFingerprint: kyPersonalFingerprint }];
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(jmAdmin.key, RESEAL)).data!.sectionsToReseal).toEqual(expected);
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(jmElo.key, RESEAL)).data!.sectionsToReseal).toEqual(expected);
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(jmOther.key, RESEAL)).data!.sectionsToReseal).toEqual([]);
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(kyAnalyst.key, RESEAL)).data!.sectionsToReseal).toEqual([]);
    const told = await platform.server.runtime.dataSource.query(
      "SELECT resource_agency FROM audit_events WHERE action = 'seizure.reseal-needed' AND resource_id = $1", [id],
    );
    expect(told).toEqual([{ resource_agency: 'JM' }]);

    // The owner re-seals: the section now goes to KY's agency key (the analyst has no valid personal key).
    const resealed = await platform.gql(jmElo.key, 'mutation($id: ID!, $i: SeizureUpdateInput!) { updateSeizure(id: $id, input: $i) { id } }', { id, i: { sensitive } });
    expect(resealed.errors).toBeUndefined();
    expect((await platform.gql<{ sectionsToReseal: unknown[] }>(jmAdmin.key, RESEAL)).data!.sectionsToReseal).toEqual([]);
    const recipients = await platform.server.runtime.dataSource.query('SELECT recipient FROM section_recipients WHERE seizure_id = $1 ORDER BY recipient', [id]);
    expect(recipients).toEqual([{ recipient: 'JM' }, { recipient: 'KY' }]);
  });

  it("lists them too when the owner agency's key is compromised, and the re-wrap job tells the owner once", async () => {
    const sensitive = { narrative: `Blind ${randomBytes(4).toString('hex')}` };
    const input = seizureInput({ tlp: 'RED', serverBlind: true, sensitive, sensitiveDigest: randomBytes(32).toString('base64url') });
    const submitted = await platform.gql<{ submitSeizure: { id: string } }>(jmElo.key, SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitSeizure.id;
    const [jmKey] = await platform.server.runtime.dataSource.query("SELECT fingerprint FROM agency_keys WHERE agency_code = 'JM'");
    await platform.server.runtime.dataSource.query("UPDATE agency_keys SET revoked_at = now(), revocation_reason = 'COMPROMISED' WHERE fingerprint = $1", [jmKey.fingerprint]);
    const listed = await platform.gql<{ sectionsToReseal: { seizureId: string; recipient: string }[] }>(jmAdmin.key, RESEAL);
    expect(listed.data!.sectionsToReseal.filter((r) => r.seizureId === id)).toEqual([expect.objectContaining({ recipient: 'JM', keyFingerprint: jmKey.fingerprint })]);
    const rewrap = platform.server.app.get(KeyRewrapService);
    for (let run = 0; run < 2; run++) await rewrap.run({ agencyCode: 'JM', fingerprint: jmKey.fingerprint, trigger: 'COMPROMISED' });
    const told = await platform.server.runtime.dataSource.query(
      "SELECT actor, resource_agency FROM audit_events WHERE action = 'seizure.reseal-needed' AND resource_id = $1", [id],
    );
    expect(told).toEqual([{ actor: 'system', resource_agency: 'JM' }]);
  });
});
