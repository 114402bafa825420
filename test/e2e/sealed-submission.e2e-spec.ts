import { readKey } from 'openpgp';
import { generateAgencyKeyPair } from '../../src/crypto/agency-key.js';
import { registerWithProof } from '../support/key-registration.js';
import { sealReport, verifyDetachedSignature } from '../../src/crypto/sealed-envelope.js';
import { seizureInput } from '../support/seizure-fixtures.js';
import { statementsDuring } from '../support/statements.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const REGISTER = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint } }';
const SUBMIT_SEALED = 'mutation($envelope: String!) { submitSealedSeizure(envelope: $envelope) { id reference tlp signature { signerFingerprint verified } } }';
const READ = `query($id: ID!) { seizure(id: $id) {
  id reference redactedFields sensitive { narrative persons { name } }
  signature { signerFingerprint verified signedAt detached signedContent }
} }`;

interface Read {
  seizure: {
    id: string;
    reference: string;
    redactedFields: string[];
    sensitive: { narrative: string | null; persons: { name: string }[] } | null;
    signature: { signerFingerprint: string; verified: boolean; signedAt: string; detached: string | null; signedContent: string | null } | null;
  } | null;
}

/**
 * Sealed submissions through GraphQL: an agency signs a SeizureInput with its registered key and
 * encrypts it to the platform key. The signed text is the whole report, nominal data included, so
 * only a reader shown the whole report may have it; everyone who sees the report sees who signed.
 */
describe('sealed submissions', () => {
  let platform: TestPlatform;
  let jmElo: string;
  let kyElo: string;
  let jmKey: Awaited<ReturnType<typeof generateAgencyKeyPair>>;
  let platformPublicKey: Awaited<ReturnType<typeof readKey>>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const jmAdmin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    jmElo = (await platform.userWithKey('JM', ['ELO'])).key;
    kyElo = (await platform.userWithKey('KY', ['ELO'])).key;
    jmKey = await generateAgencyKeyPair({ agencyCode: 'JM' });
    const registered = await registerWithProof(platform, jmAdmin, REGISTER, jmKey.publicKeyArmored, jmKey.privateKeyArmored);
    expect(registered.errors).toBeUndefined();
    const { data } = await platform.gql<{ platformKey: string }>(jmElo, '{ platformKey }');
    platformPublicKey = await readKey({ armoredKey: data!.platformKey });
  }, 60_000);
  afterAll(() => platform.stop());

  async function submitSealed(token: string, report: Record<string, unknown>, armoredPrivateKey = jmKey.privateKeyArmored) {
    const envelope = await sealReport({ report, signingKey: { armoredPrivateKey }, platformPublicKey });
    return platform.gql<{ submitSealedSeizure: { id: string; reference: string; tlp: string; signature: { signerFingerprint: string; verified: boolean } } }>(
      token, SUBMIT_SEALED, { envelope },
    );
  }

  it('accepts a report signed by the caller agency, and its owner gets the signed text, which verifies', async () => {
    const report = seizureInput({ tlp: 'GREEN' });
    const submitted = await submitSealed(jmElo, report);
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitSealedSeizure.signature).toEqual({ signerFingerprint: jmKey.fingerprint, verified: true });

    const { data } = await platform.gql<Read>(jmElo, READ, { id: submitted.data!.submitSealedSeizure.id });
    const signature = data!.seizure!.signature!;
    expect(data!.seizure!.redactedFields).toEqual([]);
    expect(JSON.parse(signature.signedContent!)).toMatchObject({ reference: report.reference, sensitive: { narrative: 'Consignee known to the unit' } });
    const publicKey = await readKey({ armoredKey: jmKey.publicKeyArmored });
    expect(await verifyDetachedSignature({ content: signature.signedContent!, armoredSignature: signature.detached!, keys: [publicKey] }))
      .toMatchObject({ valid: true, signerFingerprint: jmKey.fingerprint });
  });

  it('takes a sealed report with an explicit null where the schema has a default, as GraphQL does', async () => {
    const submitted = await submitSealed(jmElo, { ...seizureInput({ tlp: 'GREEN' }), serverBlind: null, evaluation: { scheme: null, source: 'E', information: '5' } });
    expect(submitted.errors).toBeUndefined();
    const read = await platform.gql<{ seizure: { lowGrade: boolean } }>(jmElo, 'query($id: ID!) { seizure(id: $id) { lowGrade } }', { id: submitted.data!.submitSealedSeizure.id });
    expect(read.data!.seizure).toEqual({ lowGrade: true });
  });

  it('shows another member who may see the facts who signed, but not the signed text with its nominal data', async () => {
    const submitted = await submitSealed(jmElo, seizureInput({ tlp: 'GREEN' }));
    const { data, errors } = await platform.gql<Read>(kyElo, READ, { id: submitted.data!.submitSealedSeizure.id });
    expect(errors).toBeUndefined();
    const seizure = data!.seizure!;
    expect(seizure.sensitive).toBeNull();
    expect(seizure.redactedFields).toEqual(expect.arrayContaining(['sensitive', 'signature.signedContent', 'signature.detached']));
    expect(seizure.signature).toMatchObject({ signerFingerprint: jmKey.fingerprint, verified: true, detached: null, signedContent: null });
    expect(JSON.stringify(data)).not.toContain('Consignee known to the unit');
    expect(JSON.stringify(data)).not.toContain('A. Person');
  });

  it('keeps the signed text encrypted with the sensitive section it contains, and audits its disclosure', async () => {
    const submitted = await submitSealed(jmElo, seizureInput({ tlp: 'GREEN' }));
    const id = submitted.data!.submitSealedSeizure.id;
    const db = platform.server.runtime.dataSource;
    expect(await db.query('SELECT signed_content FROM seizures WHERE id = $1', [id])).toEqual([{ signed_content: null }]);
    const [{ payload }] = (await db.query('SELECT payload FROM sealed_sections WHERE seizure_id = $1', [id])) as { payload: Buffer }[];
    expect(payload.toString('latin1')).not.toContain('Consignee known to the unit');

    const disclosures = () => db.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'seizure.disclose.sensitive' AND resource_id = $1", [id]);
    expect(await disclosures()).toEqual([{ n: 0 }]);
    const { data } = await platform.gql<Read>(jmElo, 'query($id: ID!) { seizure(id: $id) { signature { detached signedContent } } }', { id });
    expect(JSON.parse(data!.seizure!.signature!.signedContent!)).toMatchObject({ sensitive: { narrative: 'Consignee known to the unit' } });
    expect(await disclosures()).toEqual([{ n: 1 }]);

    // An update of the section keeps the signed text (of the report as it was signed) with it.
    const updated = await platform.gql(jmElo, 'mutation($id: ID!, $input: SeizureUpdateInput!) { updateSeizure(id: $id, input: $input) { version } }', {
      id, input: { sensitive: { narrative: 'Second source confirms the consignee' } },
    });
    expect(updated.errors).toBeUndefined();
    const after = await platform.gql<Read>(jmElo, READ, { id });
    expect(after.data!.seizure!.sensitive!.narrative).toBe('Second source confirms the consignee');
    const signature = after.data!.seizure!.signature!;
    const publicKey = await readKey({ armoredKey: jmKey.publicKeyArmored });
    expect(await verifyDetachedSignature({ content: signature.signedContent!, armoredSignature: signature.detached!, keys: [publicKey] })).toMatchObject({ valid: true });
    expect(await db.query('SELECT signed_content FROM seizures WHERE id = $1', [id])).toEqual([{ signed_content: null }]);
  });

  it('keeps the signed text of a report without a sensitive section in its column, for whole-report readers', async () => {
    const report = seizureInput({ tlp: 'GREEN', sensitive: null });
    const submitted = await submitSealed(jmElo, report);
    const id = submitted.data!.submitSealedSeizure.id;
    const owner = await platform.gql<Read>(jmElo, READ, { id });
    expect(JSON.parse(owner.data!.seizure!.signature!.signedContent!)).toMatchObject({ reference: report.reference });
    const other = await platform.gql<Read>(kyElo, READ, { id });
    expect(other.data!.seizure!.signature).toMatchObject({ verified: true, detached: null, signedContent: null });
  });

  it('refuses a report signed with another agency\'s key as SIGNATURE_INVALID, writing nothing', async () => {
    const other = await generateAgencyKeyPair({ agencyCode: 'TT' });
    const before = await platform.server.runtime.dataSource.query('SELECT count(*)::int AS n FROM seizures');
    const refused = await submitSealed(jmElo, seizureInput(), other.privateKeyArmored);
    expect(refused.errors?.[0].extensions?.code).toBe('SIGNATURE_INVALID');
    expect(await platform.server.runtime.dataSource.query('SELECT count(*)::int AS n FROM seizures')).toEqual(before);
  });
  it('checks the signing keys of a page of signed reports in one statement, not one per report', async () => {
    const marker = `signed-page-${Date.now()}`;
    for (let i = 0; i < 3; i += 1) expect((await submitSealed(jmElo, seizureInput({ tlp: 'GREEN', commodity: { category: 'FIREARMS', type: marker } }))).errors).toBeUndefined();
    let page: Awaited<ReturnType<typeof platform.gql<{ seizures: { edges: { node: { signature: { verified: boolean } | null } }[] } }>>> | undefined;
    const statements = await statementsDuring(platform, async () => {
      page = await platform.gql(jmElo, 'query($f: SeizureFilter) { seizures(filter: $f, first: 10) { edges { node { signature { signerFingerprint verified } } } } }', { f: { text: marker } });
    });
    expect(page!.errors).toBeUndefined();
    expect(page!.data!.seizures.edges.map((edge) => edge.node.signature?.verified)).toEqual([true, true, true]);
    expect(statements.filter(({ sql }) => /^\s*SELECT\b/i.test(sql) && /\bFROM (?:"\w+"\.)?"agency_keys"/.test(sql))).toHaveLength(1);
  });
});
