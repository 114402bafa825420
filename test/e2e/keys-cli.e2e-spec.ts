import { mkdir, readFile, readdir, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../src/crypto/canonical-json.js';
import { CLI_TIMEOUT, expectOneLineFailure as expectFailure, requireBuiltCli, runCli, type CliResult } from '../support/cli.js';
import { GpgHome } from '../support/gpg.js';
import { keyChallenge } from '../support/key-registration.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/*
 * `windward keygen`, `seal` and `open`, and their interoperability with the real GnuPG 2.2.
 * Each test has its own throwaway GNUPGHOME, which also holds the files the CLI writes.
 */

const SLOW = CLI_TIMEOUT;
const REPORT = { reference: 'JM-2026-0042', commodity: { category: 'DRUGS', description: 'Cocaine HCl, “bricks”' }, quantity: { value: 12.5, unit: 'KG' } };

/**
 * Runs the built CLI. The database settings point nowhere: these commands must not need one.
 */
function windward(args: string[]): Promise<CliResult> {
  return runCli(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATA_DIR: '/nonexistent/windward' });
}

function expectOneLineFailure(result: CliResult, pattern: RegExp): void {
  expectFailure(result, 1, pattern);
}

/** `windward keygen` into the home directory; returns the fingerprint and file paths. */
async function keygen(home: GpgHome, agency: string, passphraseFile?: string) {
  const out = home.path(`keys-${agency}`);
  const result = await windward(['keygen', '--agency', agency, '--out', out, ...(passphraseFile ? ['--passphrase-file', passphraseFile] : [])]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const fingerprint = /^fingerprint: ([0-9A-F]{40})$/m.exec(result.stdout)![1];
  return {
    fingerprint,
    stdout: result.stdout,
    publicFile: path.join(out, `${agency}.public.asc`),
    privateFile: path.join(out, `${agency}.private.asc`),
    revocationFile: path.join(out, `${agency}.revocation.asc`),
  };
}

beforeAll(requireBuiltCli);

describe('windward keygen / seal / open with GnuPG', () => {
  let home: GpgHome;

  beforeEach(async () => {
    home = await GpgHome.create();
  });
  afterEach(() => home.dispose());

  it('keygen writes armored files (secret ones 0600) that GnuPG imports, with the printed fingerprint', async () => {
    const passphraseFile = await home.writeFile('pass.txt', 'correct horse battery staple\n');
    const key = await keygen(home, 'JM', passphraseFile);
    expect(key.stdout.split('\n').filter(Boolean)).toEqual([
      `public key: ${key.publicFile}`,
      `private key: ${key.privateFile}`,
      `revocation certificate: ${key.revocationFile}`,
      `fingerprint: ${key.fingerprint}`,
      `register it: WINDWARD_TOKEN=<agency admin key> windward key register --public-key ${key.publicFile} --private-key ${key.privateFile}`,
    ]);
    expect((await stat(key.privateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(key.revocationFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(key.publicFile, 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(await readFile(key.privateFile, 'utf8')).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);

    await home.importFile(key.privateFile, 'correct horse battery staple');
    expect(await home.secretFingerprints()).toEqual([key.fingerprint]);
    // The passphrase really protects it: signing with gpg needs it.
    const document = await home.writeFile('doc.txt', 'hello');
    expect((await home.gpg(['--local-user', key.fingerprint, '--detach-sign', document], { passphrase: 'wrong' })).code).not.toBe(0);
    expect((await home.gpg(['--local-user', key.fingerprint, '--detach-sign', document], { passphrase: 'correct horse battery staple' })).code).toBe(0);

    // Never overwrites an existing key pair.
    const again = await windward(['keygen', '--agency', 'JM', '--out', path.dirname(key.publicFile)]);
    expectOneLineFailure(again, /already exists/);
  }, SLOW);

  it('a sealed envelope decrypts with gpg --decrypt and shows a good signature by the agency key', async () => {
    const agency = await keygen(home, 'JM');
    const recipient = await home.generate('Platform Test <platform@windward.invalid>');
    const recipientFile = await home.writeFile('recipient.asc', await home.exportPublic(recipient));
    const reportFile = await home.writeFile('report.json', JSON.stringify(REPORT, null, 2));

    const sealed = await windward(['seal', '--signing-key', agency.privateFile, '--to', recipientFile, reportFile]);
    expect(sealed).toMatchObject({ code: 0, stderr: '' });
    expect(sealed.stdout).toMatch(/^-----BEGIN PGP MESSAGE-----\n[\s\S]+-----END PGP MESSAGE-----\n$/);

    await home.importFile(agency.publicFile);
    const envelope = await home.writeFile('sealed.asc', sealed.stdout);
    const opened = await home.gpg(['--decrypt', envelope]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe(canonicalJson(REPORT));
    expect(opened.status).toContain('DECRYPTION_OKAY');
    expect(opened.status.some((line) => line.startsWith('GOODSIG '))).toBe(true);
    expect(opened.status.some((line) => line.startsWith(`VALIDSIG ${agency.fingerprint} `))).toBe(true);
  }, SLOW);

  it('open decrypts a message GnuPG encrypted and signed, and checks the signature with --verify-with', async () => {
    const [reader, other, otherReader, sender] = await Promise.all([
      keygen(home, 'KY'),
      keygen(home, 'BB'),
      keygen(home, 'LC'),
      home.generate('JM Customs <jm@windward.invalid>'),
    ]);
    const senderFile = await home.writeFile('sender.asc', await home.exportPublic(sender));
    await home.importFile(reader.publicFile);
    const plain = await home.writeFile('note.txt', 'Container MSCU1234567 on the 14:00 feeder\n');
    const encrypted = home.path('note.txt.asc');
    await home.gpgOk(['--armor', '--trust-model', 'always', '--local-user', sender, '--recipient', reader.fingerprint, '--output', encrypted, '--sign', '--encrypt', plain]);

    const opened = await windward(['open', '--key', reader.privateFile, '--verify-with', senderFile, encrypted]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe('Container MSCU1234567 on the 14:00 feeder\n');
    expect(opened.stderr).toBe(`windward: good signature by ${sender} made ${opened.stderr.match(/made (\S+)/)![1]}\n`);

    // Without --verify-with it decrypts and says the signature went unchecked, naming the signing key;
    // with the wrong key the signature is refused; someone else cannot read it.
    const [unchecked, wrongSigner, wrongReader] = await Promise.all([
      windward(['open', '--key', reader.privateFile, encrypted]),
      windward(['open', '--key', reader.privateFile, '--verify-with', other.publicFile, encrypted]),
      windward(['open', '--key', otherReader.privateFile, encrypted]),
    ]);
    expect(unchecked).toMatchObject({ code: 0, stdout: 'Container MSCU1234567 on the 14:00 feeder\n' });
    expect(unchecked.errorLines).toEqual([expect.stringMatching(/^windward: not verified: signed by key ID [0-9A-F]{16}; give that public key with --verify-with to check it$/)]);
    expect(sender.endsWith(/key ID ([0-9A-F]{16})/.exec(unchecked.stderr)![1])).toBe(true);
    expectOneLineFailure(wrongSigner, /not signed by .*\(SIGNATURE_INVALID\)$/);
    expectOneLineFailure(wrongReader, /not encrypted to this key \(DECRYPTION_FAILED\)$/);
  }, SLOW);

  it('open says a message it cannot verify is unverified, and refuses it when a signer is required', async () => {
    const [reader, sender] = await Promise.all([keygen(home, 'KY'), keygen(home, 'JM')]);
    await home.importFile(reader.publicFile);
    // What anyone holding the reader's public key can make: encrypted, not signed.
    const plain = await home.writeFile('forged.json', '{"x":1}\n');
    const forged = home.path('forged.json.asc');
    await home.gpgOk(['--armor', '--trust-model', 'always', '--recipient', reader.fingerprint, '--output', forged, '--encrypt', plain]);

    const [byDefault, withSigner] = await Promise.all([
      windward(['open', '--key', reader.privateFile, forged]),
      windward(['open', '--key', reader.privateFile, '--verify-with', sender.publicFile, forged]),
    ]);
    expect(byDefault).toMatchObject({ code: 0, stdout: '{"x":1}\n' });
    expect(byDefault.errorLines).toEqual(["windward: not verified: the message is not signed (Windward's sealed output is not); --verify-with requires a signature"]);
    expectOneLineFailure(withSigner, /The message is not signed \(SIGNATURE_INVALID\)$/);
  }, SLOW);

  it('seal and open round-trip, with passphrase-protected keys', async () => {
    const passphraseFile = await home.writeFile('pass.txt', 'a long enough passphrase\n');
    const [agency, reader] = await Promise.all([keygen(home, 'JM', passphraseFile), keygen(home, 'WCO')]);
    const reportFile = await home.writeFile('report.json', JSON.stringify(REPORT));
    const sealedFile = home.path('sealed.asc');

    const wrongFile = await home.writeFile('wrong.txt', 'not it\n');
    const seal = (...extra: string[]) => windward(['seal', '--signing-key', agency.privateFile, '--to', reader.publicFile, ...extra, reportFile]);
    const [withoutPassphrase, wrongPassphrase, sealed] = await Promise.all([seal(), seal('--passphrase-file', wrongFile), seal('--passphrase-file', passphraseFile)]);
    expectOneLineFailure(withoutPassphrase, /passphrase is required \(BAD_USER_INPUT\)$/);
    expectOneLineFailure(wrongPassphrase, /wrong passphrase/);
    expect(sealed.code).toBe(0);
    await writeFile(sealedFile, sealed.stdout);
    const opened = await windward(['open', '--key', reader.privateFile, '--verify-with', agency.publicFile, sealedFile]);
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout)).toEqual(REPORT);
  }, SLOW);

  it('every failure is one line on stderr and exit code 1', async () => {
    const agency = await keygen(home, 'JM');
    const reportFile = await home.writeFile('report.json', JSON.stringify(REPORT));
    const badArmor = await home.writeFile('bad.asc', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n');
    const notJson = await home.writeFile('report.txt', 'reference: JM-1');

    // Independent processes, a few at a time: each CLI start loads the whole application.
    const cases: [string[], RegExp][] = [
      [['seal', '--signing-key', home.path('missing.asc'), '--to', agency.publicFile, reportFile], /Cannot read the signing key .*missing\.asc: no such file$/],
      [['seal', '--signing-key', agency.privateFile, '--to', agency.publicFile, home.path('nope.json')], /Cannot read the report .*nope\.json: no such file$/],
      [['seal', '--signing-key', agency.privateFile, '--to', badArmor, reportFile], /Malformed OpenPGP key.*\(BAD_USER_INPUT\)$/],
      [['seal', '--signing-key', agency.privateFile, '--to', agency.publicFile, notJson], /is not valid JSON \(BAD_USER_INPUT\)$/],
      [['open', '--key', agency.privateFile, badArmor], /Malformed OpenPGP message.*\(BAD_USER_INPUT\)$/],
      [['open', '--key', agency.publicFile, reportFile], /private key block \(BAD_USER_INPUT\)$/],
      [['keygen', '--agency', 'not a code!', '--out', home.path('k')], /Agency codes are .*\(BAD_USER_INPUT\)$/],
    ];
    const results: CliResult[] = [];
    for (let i = 0; i < cases.length; i += 3) results.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => windward(args)))));
    results.forEach((result, i) => expectOneLineFailure(result, cases[i][1]));
  }, SLOW);
});

describe('windward keygen / seal / open: inputs they refuse and what they leave behind', () => {
  let home: GpgHome;

  beforeEach(async () => {
    home = await GpgHome.create();
  });
  afterEach(() => home.dispose());

  it('seal refuses a report that is not UTF-8 instead of signing replacement characters, and accepts a byte-order mark', async () => {
    const [agency, reader] = await Promise.all([keygen(home, 'JM'), keygen(home, 'WCO')]);
    const latin1 = home.path('latin1.json');
    await writeFile(latin1, Buffer.from('{"name":"Jos\xe9"}', 'latin1'));
    const withBom = home.path('notepad.json');
    await writeFile(withBom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(REPORT), 'utf8')]));
    const latin1Passphrase = home.path('pass-latin1.txt');
    await writeFile(latin1Passphrase, Buffer.from('mot de passe s\xfbr\n', 'latin1'));

    const seal = (file: string) => windward(['seal', '--signing-key', agency.privateFile, '--to', reader.publicFile, file]);
    const [refused, sealed, badPassphrase] = await Promise.all([
      seal(latin1),
      seal(withBom),
      windward(['keygen', '--agency', 'TT', '--out', home.path('keys-TT'), '--passphrase-file', latin1Passphrase]),
    ]);
    expectOneLineFailure(refused, new RegExp(`^windward: ${latin1} is not UTF-8 text \\(BAD_USER_INPUT\\)$`));
    expectOneLineFailure(badPassphrase, /pass-latin1\.txt is not UTF-8 text \(BAD_USER_INPUT\)$/);
    expect(sealed).toMatchObject({ code: 0, stderr: '' });
    const sealedFile = await home.writeFile('sealed.asc', sealed.stdout);
    const opened = await windward(['open', '--key', reader.privateFile, '--verify-with', agency.publicFile, sealedFile]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe(canonicalJson(REPORT));
  }, SLOW);

  it('keygen writes all three files or none, a dangling symlink counting as taken', async () => {
    for (const taken of ['JM.public.asc', 'JM.private.asc', 'JM.revocation.asc']) {
      const out = home.path(`keys-${taken}`);
      await mkdir(out);
      await symlink(path.join(out, 'nowhere'), path.join(out, taken));
      const refused = await windward(['keygen', '--agency', 'JM', '--out', out]);
      expectOneLineFailure(refused, new RegExp(`${taken.replace(/\./g, '\\.')} already exists: not overwritten$`));
      // Nothing written, no temporary file left: the same command works once the name is free.
      expect(await readdir(out)).toEqual([taken]);
      await rm(path.join(out, taken));
      const made = await windward(['keygen', '--agency', 'JM', '--out', out]);
      expect(made).toMatchObject({ code: 0, stderr: '' });
      expect((await readdir(out)).sort()).toEqual(['JM.private.asc', 'JM.public.asc', 'JM.revocation.asc']);
    }
  }, SLOW);

  it('refuses inputs too large for Windward before reading them whole, and says what it expected', async () => {
    const [agency, reader] = await Promise.all([keygen(home, 'JM'), keygen(home, 'WCO')]);
    // Sparse files: large to the commands, nothing on disk.
    const hugeReport = home.path('huge.json');
    await writeFile(hugeReport, '');
    await truncate(hugeReport, 4 * 1024 * 1024 + 1);
    const hugeMessage = home.path('huge.gpg');
    await writeFile(hugeMessage, '');
    await truncate(hugeMessage, 16 * 1024 * 1024 + 1);
    // Under 4 MiB as a file, over it once sealed and armored: the API would refuse the envelope.
    const bigReport = await home.writeFile('big.json', JSON.stringify({ ...REPORT, narrative: 'x'.repeat(3_500_000) }));
    const garbage = home.path('garbage.bin');
    await writeFile(garbage, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256)));

    const cases: [string[], RegExp][] = [
      [['seal', '--signing-key', agency.privateFile, '--to', reader.publicFile, hugeReport], /The report .*huge\.json is larger than 4 MiB \(BAD_USER_INPUT\)$/],
      [['open', '--key', reader.privateFile, hugeMessage], /The message .*huge\.gpg is larger than 16 MiB \(BAD_USER_INPUT\)$/],
      [['seal', '--signing-key', agency.privateFile, '--to', reader.publicFile, bigReport], /big\.json is too large: sealed, it is larger than the 4 MiB submitSealedSeizure accepts \(BAD_USER_INPUT\)$/],
      // Binary messages are accepted, so the refusal must not ask for an armored one.
      [['open', '--key', reader.privateFile, garbage], /garbage\.bin is neither an armored nor a binary OpenPGP message \(BAD_USER_INPUT\)$/],
      // A local command: nothing is sent or stored, so the API's wording would be wrong here.
      [['seal', '--signing-key', agency.privateFile, '--to', reader.privateFile, bigReport], /The recipient key .*WCO\.private\.asc is a private key: give its public key \(BAD_USER_INPUT\)$/],
    ];
    const results: CliResult[] = [];
    for (let i = 0; i < cases.length; i += 3) results.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => windward(args)))));
    results.forEach((result, i) => expectOneLineFailure(result, cases[i][1]));
  }, SLOW);
});

describe('a GnuPG-made key registers through GraphQL', () => {
  let platform: TestPlatform;
  let home: GpgHome;

  beforeAll(async () => {
    platform = await startTestPlatform();
    home = await GpgHome.create();
  }, SLOW);
  afterAll(async () => {
    await home.dispose();
    await platform.stop();
  }, SLOW);

  it('accepts an ed25519/cv25519 key and an RSA 3072 key made by gpg, under the fingerprints gpg shows', async () => {
    const admin = (await platform.userWithKey('JM', ['AGENCY_ADMIN'])).key;
    const register = 'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint algorithm } }';
    const ecc = await home.generate('JM Customs <jm@windward.invalid>');
    const rsa = await home.generate('JM Customs RSA <jm-rsa@windward.invalid>', 'rsa3072', 'sign,cert');
    await home.gpgOk(['--quick-add-key', rsa, 'rsa3072', 'encr', 'never']);
    // Proof of possession as the README shows it: the challenge signed with `gpg --sign --armor`
    // (inline) or `gpg --clearsign`.
    for (const [fingerprint, algorithm, how] of [
      [ecc, 'curve25519', '--sign'],
      [rsa, 'rsa3072', '--clearsign'],
    ]) {
      const challenge = await keyChallenge(platform, admin);
      const challengeFile = await home.writeFile(`challenge-${algorithm}.txt`, challenge.text!);
      const signed = (await home.gpgOk(['--armor', '--local-user', fingerprint, how, '--output', '-', challengeFile])).stdout;
      const { data, errors } = await platform.gql<{ registerAgencyKey: { fingerprint: string; algorithm: string } }>(admin, register, { key: await home.exportPublic(fingerprint), signed });
      expect(errors).toBeUndefined();
      expect(data!.registerAgencyKey).toEqual({ fingerprint, algorithm });
    }
    // A secret key exported by gpg is refused and not stored.
    const secret = (await home.gpgOk(['--armor', '--export-secret-keys', ecc])).stdout;
    const refused = await platform.gql(admin, register, { key: secret, signed: 'not looked at' });
    expect(refused.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    const [row] = (await platform.server.runtime.dataSource.query('SELECT count(*)::int AS n FROM agency_keys')) as { n: number }[];
    expect(row.n).toBe(2);
  }, SLOW);

  it('a key `windward keygen` made registers with `windward key register`, which signs the challenge', async () => {
    const admin = (await platform.userWithKey('KY', ['AGENCY_ADMIN'])).key;
    const passphraseFile = await home.writeFile('ky-pass.txt', 'correct horse battery staple\n');
    const made = await keygen(home, 'KY', passphraseFile);
    const url = `${platform.server.url}/graphql`;
    const args = ['key', 'register', '--url', url, '--public-key', made.publicFile, '--private-key', made.privateFile, '--passphrase-file', passphraseFile];
    const registered = await runCli(args, { WINDWARD_TOKEN: admin });
    expect(registered).toMatchObject({ code: 0, stderr: '' });
    expect(registered.lines).toEqual([`registered: ${made.fingerprint} for KY`]);
    const [row] = (await platform.server.runtime.dataSource.query('SELECT agency_code FROM agency_keys WHERE fingerprint = $1', [made.fingerprint])) as { agency_code: string }[];
    expect(row.agency_code).toBe('KY');

    // Another agency cannot register it: its administrator does not hold the private key.
    const other = await keygen(home, 'TT');
    const ttAdmin = (await platform.userWithKey('TT', ['AGENCY_ADMIN'])).key;
    const squat = await runCli(['key', 'register', '--url', url, '--public-key', made.publicFile, '--private-key', other.privateFile], { WINDWARD_TOKEN: ttAdmin });
    expect(squat.code).toBe(1);
    expect(squat.errorLines).toEqual([expect.stringMatching(/^windward: SIGNATURE_INVALID: signedChallenge: not signed by the key being registered/)]);
    const noToken = await runCli(['key', 'register', '--url', url, '--public-key', made.publicFile, '--private-key', made.privateFile]);
    expect(noToken.code).not.toBe(0);
    expect(noToken.errorLines).toHaveLength(1);
    // A token pasted with a line break in it: one line that names the problem, never the token.
    const broken = await runCli(['key', 'register', '--url', url, '--public-key', made.publicFile, '--private-key', made.privateFile], { WINDWARD_TOKEN: `${admin.slice(0, 20)}\n${admin.slice(20)}` });
    expectFailure(broken, 1, /^windward: WINDWARD_TOKEN contains a line break: set it to the API key or token alone, on one line \(BAD_USER_INPUT\)$/);
    expect(broken.stderr).not.toContain(admin.slice(4, 20));
  }, SLOW);
});
