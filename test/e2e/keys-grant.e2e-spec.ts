import { generateAgencyKeyPair } from '../../src/crypto/agency-key.js';
import { registerWithProof } from '../support/key-registration.js';
import { unlockPrivateKey } from '../../src/crypto/openpgp-profile.js';
import { decryptPayload } from '../../src/crypto/recipient-encryption.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const REGISTER = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint } }';
const STATUS = 'query($fp: String!) { keyRotationStatus(fingerprint: $fp) { state } }';

describe('an agency registering its first key', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ worker: true });
  });
  afterAll(() => platform.stop());

  it('gets wrapped keys for the reports it was already entitled to, and sealedFor output it can open', async () => {
    const elo = (await platform.userWithKey('JM', ['ELO'])).key;
    const admin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    const kyAdmin = (await platform.userWithKey('KY', ['AGENCY_ADMIN'])).key;
    const own = await submitSeizure(platform, elo, { tlp: 'AMBER', releasableTo: ['KY'] });
    const query = (sql: string, parameters: unknown[]) => platform.server.runtime.dataSource.query(sql, parameters) as Promise<{ recipient: string }[]>;
    expect((await query('SELECT recipient FROM section_recipients WHERE seizure_id = $1', [own.id])).map((r) => r.recipient)).toEqual(['PLATFORM']);

    const pair = await generateAgencyKeyPair({ agencyCode: 'KY' });
    const { errors } = await registerWithProof(platform, kyAdmin, REGISTER, pair.publicKeyArmored, pair.privateKeyArmored);
    expect(errors).toBeUndefined();
    for (let i = 0; i < 300; i += 1) {
      const status = await platform.gql<{ keyRotationStatus: { state: string } | null }>(kyAdmin, STATUS, { fp: pair.fingerprint });
      if (status.data?.keyRotationStatus?.state === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const rows = await platform.server.runtime.dataSource.query('SELECT recipient, pkesk FROM section_recipients WHERE seizure_id = $1 AND recipient = $2', [own.id, 'KY']) as { pkesk: Buffer }[];
    expect(rows).toHaveLength(1);
    const [{ payload }] = (await platform.server.runtime.dataSource.query('SELECT payload FROM sealed_sections WHERE seizure_id = $1', [own.id])) as { payload: Buffer }[];
    const privateKey = await unlockPrivateKey({ armoredPrivateKey: pair.privateKeyArmored });
    const plaintext = new TextDecoder().decode(await decryptPayload({ pkesk: rows[0].pkesk, payload, privateKey }));
    expect(JSON.parse(plaintext).narrative).toBe('Consignee known to the unit');

    const kyElo = (await platform.userWithKey('KY', ['ELO'])).key;
    const sealed = await platform.gql<{ seizure: { sealedFor: string | null } }>(kyElo, 'query($id: ID!) { seizure(id: $id) { sealedFor } }', { id: own.id });
    expect(sealed.data!.seizure.sealedFor).toContain('-----BEGIN PGP MESSAGE-----');
    // JM registered no key: it reads its report over TLS, but there is nothing sealed for it.
    const jm = await platform.gql<{ seizure: { sealedFor: string | null } }>(admin, 'query($id: ID!) { seizure(id: $id) { sealedFor } }', { id: own.id });
    expect(jm.data!.seizure.sealedFor).toBeNull();
  });
});
