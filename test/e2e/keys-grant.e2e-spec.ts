import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKey, reformatKey } from 'openpgp';
import { generateAgencyKeyPair } from '../../src/crypto/agency-key.js';
import { CLI_TIMEOUT, requireBuiltCli, runCli } from '../support/cli.js';
import { registerWithProof } from '../support/key-registration.js';
import { signChallenge } from '../../src/keys/key-register.command.js';
import { unlockPrivateKey } from '../../src/crypto/openpgp-profile.js';
import { decryptPayload } from '../../src/crypto/recipient-encryption.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

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

    const kyReader = await platform.userWithKey('KY', ['ELO']);
    const kyElo = kyReader.key;
    const handedOut = () => platform.server.runtime.dataSource.query(
      "SELECT actor, fields, details FROM audit_events WHERE action = 'seizure.disclose.sealed' AND resource_id = $1 ORDER BY seq", [own.id],
    ) as Promise<{ actor: string; fields: string[]; details: Record<string, unknown> }[]>;
    expect(await handedOut()).toEqual([]);
    const sealed = await platform.gql<{ seizure: { sealedFor: string | null } }>(kyElo, 'query($id: ID!) { seizure(id: $id) { sealedFor } }', { id: own.id });
    expect(sealed.data!.seizure.sealedFor).toContain('-----BEGIN PGP MESSAGE-----');
    // Whoever holds KY's key opens it offline: the hand-out is recorded, as a decryption is.
    const disclosure = { actor: kyReader.userId, fields: ['sealedFor'], details: { recipient: 'KY' } };
    expect(await handedOut()).toEqual([disclosure]);
    const page = await platform.gql<{ seizures: { edges: { node: { id: string; sealedFor: string | null } }[] } }>(
      kyElo, '{ seizures(first: 50) { edges { node { id sealedFor } } } }',
    );
    expect(page.data!.seizures.edges.find((edge) => edge.node.id === own.id)?.node.sealedFor).toContain('-----BEGIN PGP MESSAGE-----');
    expect(await handedOut()).toEqual([disclosure, disclosure]);
    // The contract's `windward open --key FILE sealed.asc` opens it, and says it is unsigned.
    requireBuiltCli();
    const dir = await mkdtemp(path.join(tmpdir(), 'windward-open-'));
    try {
      await writeFile(path.join(dir, 'KY.private.asc'), pair.privateKeyArmored);
      await writeFile(path.join(dir, 'sealed.asc'), sealed.data!.seizure.sealedFor!);
      const opened = await runCli(['open', '--key', path.join(dir, 'KY.private.asc'), path.join(dir, 'sealed.asc')]);
      expect(opened.code).toBe(0);
      expect(JSON.parse(opened.stdout).narrative).toBe('Consignee known to the unit');
      expect(opened.errorLines).toEqual([expect.stringMatching(/^windward: not verified: the message is not signed/)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // JM registered no key: it reads its report over TLS, but there is nothing sealed for it.
    const jm = await platform.gql<{ seizure: { sealedFor: string | null } }>(admin, 'query($id: ID!) { seizure(id: $id) { sealedFor } }', { id: own.id });
    expect(jm.data!.seizure.sealedFor).toBeNull();
    expect(await handedOut()).toHaveLength(2); // nothing handed out, nothing recorded
  }, CLI_TIMEOUT);

  it("moves, but never counts where the agency's administrators see it, other agencies' TLP:RED reports naming one of its users", async () => {
    const FULL_STATUS = 'query($fp: String!) { keyRotationStatus(fingerprint: $fp) { state total done rewrapped removed skipped } }';
    const admin = (await platform.userWithKey('TT', ['AGENCY_ADMIN'])).key;
    const elo = (await platform.userWithKey('TT', ['ELO'])).key;
    const named = await platform.userWithKey('TT', ['ANALYST']);
    const kyElo = (await platform.userWithKey('KY', ['ELO'])).key;
    const query = <T>(sql: string, parameters: unknown[]) => platform.server.runtime.dataSource.query(sql, parameters) as Promise<T>;
    const ttRow = async (seizureId: string) => (await query<{ key_fingerprint: string }[]>("SELECT key_fingerprint FROM section_recipients WHERE seizure_id = $1 AND recipient = 'TT'", [seizureId]))[0];
    const rewrapEvents = () => query<{ details: Record<string, unknown> }[]>("SELECT details FROM audit_events WHERE action = 'key.rewrap' AND resource_agency = 'TT' ORDER BY seq", []);
    const register = async (hoursAgo: number) => {
      const pair = await generateAgencyKeyPair({ agencyCode: 'TT', now: new Date(Date.now() - hoursAgo * 3600_000) });
      expect((await registerWithProof(platform, admin, REGISTER, pair.publicKeyArmored, pair.privateKeyArmored)).errors).toBeUndefined();
      for (let i = 0; i < 300; i += 1) {
        const { data } = await platform.gql<{ keyRotationStatus: Record<string, unknown> | null }>(admin, FULL_STATUS, { fp: pair.fingerprint });
        if (data?.keyRotationStatus?.state === 'COMPLETED') return { fingerprint: pair.fingerprint, status: data.keyRotationStatus };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('re-wrap did not complete');
    };

    // Before TT has a key: a RED report of KY naming a TT analyst. TT's first key gets it (granted), uncounted:
    // the re-wrap finds nothing the administrator may be told of, so it leaves no audit event either.
    const earlyRed = await submitSeizure(platform, kyElo, { tlp: 'RED', releasableToUsers: [named.userId] });
    const first = await register(3);
    expect(first.status).toEqual({ state: 'COMPLETED', total: 0, done: 0, rewrapped: 0, removed: 0, skipped: 0 });
    expect((await ttRow(earlyRed.id)).key_fingerprint).toBe(first.fingerprint);
    expect(await rewrapEvents()).toEqual([]);

    // Then one report of TT's own and another RED one of KY naming the analyst, both wrapped for the first key.
    const own = await submitSeizure(platform, elo, { tlp: 'AMBER' });
    const laterRed = await submitSeizure(platform, kyElo, { tlp: 'RED', releasableToUsers: [named.userId] });
    for (const id of [own.id, laterRed.id]) expect((await ttRow(id)).key_fingerprint).toBe(first.fingerprint);

    // A second key: all three move, and the administrator is told of TT's own report alone.
    const second = await register(2);
    expect(second.status).toEqual({ state: 'COMPLETED', total: 1, done: 1, rewrapped: 1, removed: 0, skipped: 0 });
    for (const id of [own.id, earlyRed.id, laterRed.id]) expect((await ttRow(id)).key_fingerprint).toBe(second.fingerprint);
    const events = await rewrapEvents();
    expect(events).toHaveLength(1);
    expect(events[0].details).toMatchObject({ fingerprint: second.fingerprint, total: 1, done: 1, rewrapped: 1, granted: 0 });
  });

  it('takes a renewed copy of its key: an expired encryption subkey renewed, the agency is granted what it missed meanwhile', async () => {
    const admin = (await platform.userWithKey('GD', ['AGENCY_ADMIN'])).key;
    const elo = (await platform.userWithKey('JM', ['ELO'])).key;
    const gdElo = (await platform.userWithKey('GD', ['ELO'])).key;
    const userIDs = [{ name: 'GD Customs', email: 'gd@windward.invalid' }];
    // Its encryption subkey expires in two seconds, as a yearly GnuPG subkey does at the year's end.
    const { privateKey, publicKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs, subkeys: [{ keyExpirationTime: 2 }], format: 'object' });
    const registered = await registerWithProof<{ registerAgencyKey: { fingerprint: string } }>(platform, admin, REGISTER, publicKey.armor(), privateKey.armor());
    expect(registered.errors).toBeUndefined();
    const fingerprint = registered.data!.registerAgencyKey.fingerprint;
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // Meanwhile a report is released to GD: nothing can be wrapped to a key that cannot encrypt.
    const missed = await submitSeizure(platform, elo, { tlp: 'AMBER', releasableTo: ['GD'] });
    const gdRows = () => platform.server.runtime.dataSource.query("SELECT key_fingerprint FROM section_recipients WHERE seizure_id = $1 AND recipient = 'GD'", [missed.id]) as Promise<{ key_fingerprint: string }[]>;
    expect(await gdRows()).toEqual([]);

    // The agency renews the subkey (gpg --quick-set-expire) and registers the renewed copy of the same key.
    const renewed = await reformatKey({ privateKey, userIDs, format: 'object' });
    const again = await registerWithProof<{ registerAgencyKey: { fingerprint: string } }>(platform, admin, REGISTER, renewed.publicKey.armor(), renewed.privateKey.armor());
    expect(again.errors).toBeUndefined();
    expect(again.data!.registerAgencyKey.fingerprint).toBe(fingerprint);
    await waitFor('the missed report to be granted to the renewed key', async () => (await gdRows()).length === 1, 30_000);
    expect(await gdRows()).toEqual([{ key_fingerprint: fingerprint.replace(/\s+/g, '') }]);
    const sealed = await platform.gql<{ seizure: { sealedFor: string | null } }>(gdElo, 'query($id: ID!) { seizure(id: $id) { sealedFor } }', { id: missed.id });
    expect(sealed.data!.seizure.sealedFor).toContain('-----BEGIN PGP MESSAGE-----');
    const renewals = () => platform.server.runtime.dataSource.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'key.renew' AND resource_agency = 'GD'") as Promise<{ n: number }[]>;
    expect(await renewals()).toEqual([{ n: 1 }]);
    // The administrators see the renewal's grant, not the first registration's (which had nothing to grant).
    const status = async () =>
      (await platform.gql<{ keyRotationStatus: { trigger: string; state: string; granted: number } }>(
        admin, 'query($fp: String!) { keyRotationStatus(fingerprint: $fp) { trigger state granted } }', { fp: fingerprint },
      )).data!.keyRotationStatus;
    await waitFor('the renewal job to complete', async () => (await status()).state === 'COMPLETED', 30_000);
    expect(await status()).toEqual({ trigger: 'REGISTERED', state: 'COMPLETED', granted: 1 });

    // The same renewed copy again, or the old one (which would take the renewal back): nothing changes.
    expect((await registerWithProof(platform, admin, REGISTER, renewed.publicKey.armor(), renewed.privateKey.armor())).errors).toBeUndefined();
    expect((await registerWithProof(platform, admin, REGISTER, publicKey.armor(), privateKey.armor())).errors).toBeDefined(); // expired: refused as before
    expect(await renewals()).toEqual([{ n: 1 }]);
    const later = await submitSeizure(platform, elo, { tlp: 'AMBER', releasableTo: ['GD'] });
    expect(await platform.server.runtime.dataSource.query("SELECT count(*)::int AS n FROM section_recipients WHERE seizure_id = $1 AND recipient = 'GD'", [later.id])).toEqual([{ n: 1 }]);
  }, CLI_TIMEOUT);

  it('grants a RED report to the agency of a named user whose personal encryption subkey had expired, as a new section would', async () => {
    const elo = (await platform.userWithKey('JM', ['ELO'])).key;
    const named = await platform.userWithKey('LC', ['ELO']);
    const lcAdmin = (await platform.userWithKey('LC', ['AGENCY_ADMIN'])).key;
    // The user's personal key: its encryption subkey expires in two seconds, its primary key never.
    const userIDs = [{ name: 'LC officer', email: 'officer@lc.windward.invalid' }];
    const personal = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs, subkeys: [{ keyExpirationTime: 2 }], format: 'armored' });
    const challenge = await platform.gql<{ personalKeyChallenge: { challenge: string } }>(named.key, 'mutation { personalKeyChallenge { challenge } }');
    const signed = await signChallenge(challenge.data!.personalKeyChallenge.challenge, personal.privateKey);
    const registered = await platform.gql(named.key, 'mutation($key: String!, $signed: String!) { registerPersonalKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint } }', { key: personal.publicKey, signed });
    expect(registered.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // Named in a RED report while LC has no agency key: the personal key cannot encrypt any more, so
    // the section is meant for LC's key, which does not exist yet: nobody in LC gets a copy.
    const red = await submitSeizure(platform, elo, { tlp: 'RED', releasableToUsers: [named.userId] });
    const lcRows = () => platform.server.runtime.dataSource.query("SELECT recipient FROM section_recipients WHERE seizure_id = $1 AND recipient <> 'PLATFORM' AND recipient <> 'JM'", [red.id]) as Promise<{ recipient: string }[]>;
    expect(await lcRows()).toEqual([]);

    // LC registers a key: its re-wrap grants the report, since the officer's personal key cannot open new sections.
    const pair = await generateAgencyKeyPair({ agencyCode: 'LC' });
    expect((await registerWithProof(platform, lcAdmin, REGISTER, pair.publicKeyArmored, pair.privateKeyArmored)).errors).toBeUndefined();
    await waitFor('the RED report to be granted to LC', async () => (await lcRows()).length === 1, 30_000);
    expect(await lcRows()).toEqual([{ recipient: 'LC' }]);
  }, CLI_TIMEOUT);
});
