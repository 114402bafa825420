import { createHash, createHmac, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { generateAgencyKeyPair, inspectAgencyPublicKey } from '../../src/crypto/agency-key.js';
import { AgencyKeyEntity } from '../../src/keys/agency-key.entity.js';
import { SUBMIT, seizureInput } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/**
 * Server-blind stays blind: after a server-blind submission, nothing in the database is computed
 * from its sensitive section (no plaintext, hash, length or index); the idempotency check uses the
 * facts and the client's keyed digest only.
 */
describe('server-blind reports', () => {
  let platform: TestPlatform;
  let elo: { key: string; userId: string };
  const clientSecret = randomBytes(32);

  beforeAll(async () => {
    platform = await startTestPlatform();
    elo = await platform.userWithKey('JM', ['ELO']);
    // The agency's key, stored as registerAgencyKey stores it (its proof-of-possession rules are not what is tested here).
    const pair = await generateAgencyKeyPair({ agencyCode: 'JM' });
    const info = await inspectAgencyPublicKey(pair.publicKeyArmored);
    await platform.server.runtime.dataSource.getRepository(AgencyKeyEntity).insert({
      fingerprint: info.fingerprint, agencyCode: 'JM', algorithm: info.algorithm, armored: info.armored,
      keyCreatedAt: info.createdAt, expiresAt: info.expiresAt, registeredBy: elo.userId,
    });
  });
  afterAll(() => platform?.stop());

  const section = (marker: string, narrativeLength = 0) => ({
    narrative: `Informant ${marker} met the master of the vessel${'.'.repeat(narrativeLength)}`,
    persons: [{ name: `Person ${marker}`, nationality: 'JM', role: 'informant' }],
    companies: [`Company ${marker} Ltd`],
    identifiers: [`passport ${marker}`],
  });
  const digestOf = (value: unknown) => createHmac('sha256', clientSecret).update(canonicalize(value)!).digest('base64url');

  function blindInput(marker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const sensitive = section(marker);
    return seizureInput({ tlp: 'RED', serverBlind: true, sensitive, sensitiveDigest: digestOf(sensitive), ...overrides });
  }

  async function submit(input: Record<string, unknown>) {
    return platform.gql<{ submitSeizure: { id: string } }>(elo.key, SUBMIT, { input });
  }

  /** Every row of every table of the public schema, as text (bytea as hex). */
  async function everyRow(): Promise<string> {
    const tables = (await platform.server.runtime.dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )) as { table_name: string }[];
    const parts: string[] = [];
    for (const { table_name: table } of tables) {
      const rows = (await platform.server.runtime.dataSource.query(`SELECT t::text AS row FROM "${table}" t`)) as { row: string }[];
      parts.push(...rows.map((r) => `${table}: ${r.row}`));
    }
    return parts.join('\n');
  }

  it('refuses a server-blind report without the client digest, and a digest on any other report', async () => {
    const missing = await submit(blindInput(randomBytes(4).toString('hex'), { sensitiveDigest: null }));
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['sensitiveDigest'] });
    const malformed = await submit(blindInput(randomBytes(4).toString('hex'), { sensitiveDigest: 'short' }));
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['sensitiveDigest'] });
    const notBlind = await submit(seizureInput({ sensitiveDigest: randomBytes(32).toString('base64url') }));
    expect(notBlind.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['sensitiveDigest'] });
  });

  it('leaves nothing in the database computed from the sensitive section', async () => {
    const marker = `M${randomBytes(6).toString('hex')}`;
    const input = blindInput(marker);
    const submitted = await submit(input);
    expect(submitted.errors).toBeUndefined();
    const sensitive = input.sensitive as ReturnType<typeof section>;

    const texts = [sensitive.narrative, sensitive.persons[0].name, sensitive.companies[0], sensitive.identifiers[0], marker];
    const forms = [...texts, JSON.stringify(sensitive), canonicalize(sensitive)!, JSON.stringify(sensitive.persons), canonicalize(sensitive.persons)!];
    const derived = new Set<string>();
    for (const form of forms) {
      derived.add(form);
      derived.add(Buffer.from(form).toString('hex'));
      for (const algorithm of ['sha256', 'sha1', 'md5', 'sha512']) {
        derived.add(createHash(algorithm).update(form).digest('hex'));
        derived.add(createHash(algorithm).update(form).digest('base64'));
      }
    }
    // The old idempotency hash: SHA-256 over the whole input, sensitive section included.
    const whole: Record<string, unknown> = { ...input, seizedAt: new Date(input.seizedAt as string).toISOString() };
    derived.add(createHash('sha256').update(canonicalize(whole)!).digest('hex'));
    const { sensitiveDigest: _digest, ...withoutDigest } = whole;
    derived.add(createHash('sha256').update(canonicalize(withoutDigest)!).digest('hex'));

    const database = await everyRow();
    expect(database).toContain(submitted.data!.submitSeizure.id);
    const found = [...derived].filter((value) => database.toLowerCase().includes(value.toLowerCase()));
    expect(found).toEqual([]);
  });

  it("stores ciphertext whose length tells no more than a 4 KiB bucket", async () => {
    const short = blindInput(`S${randomBytes(4).toString('hex')}`);
    const longSection = section(`L${randomBytes(4).toString('hex')}`, 2500);
    const long = blindInput('unused', { sensitive: longSection, sensitiveDigest: digestOf(longSection) });
    const ids = [];
    for (const input of [short, long]) {
      const response = await submit(input);
      expect(response.errors).toBeUndefined();
      ids.push(response.data!.submitSeizure.id);
    }
    const rows = (await platform.server.runtime.dataSource.query(
      'SELECT seizure_id, length(payload) AS bytes FROM sealed_sections WHERE seizure_id = ANY($1::uuid[])', [ids],
    )) as { seizure_id: string; bytes: number }[];
    expect(rows).toHaveLength(2);
    expect(rows[0].bytes).toBe(rows[1].bytes);
  });

  it('tells a resubmission from another report by the facts and the client digest alone', async () => {
    const marker = `R${randomBytes(4).toString('hex')}`;
    const input = blindInput(marker);
    const first = await submit(input);
    expect(first.errors).toBeUndefined();
    // Another section under the same digest is, to the server, the same report: it cannot see the section.
    const again = await submit({ ...input, sensitive: section(`${marker}-other`) });
    expect(again.errors).toBeUndefined();
    expect(again.data!.submitSeizure.id).toBe(first.data!.submitSeizure.id);
    // Another digest is another report under a used reference.
    const other = await submit({ ...input, sensitiveDigest: digestOf(section(`${marker}-other`)) });
    expect(other.errors?.[0].extensions.code).toBe('CONFLICT');
    // And other facts too.
    const moved = await submit({ ...input, country: 'KY' });
    expect(moved.errors?.[0].extensions.code).toBe('CONFLICT');
  });
});
