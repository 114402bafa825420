import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { readKey, type PrivateKey, type PublicKey } from 'openpgp';

import { DomainError } from '../errors/domain-error.js';
import { applyRevocationCertificate, generateAgencyKeyPair, inspectAgencyPublicKey } from './agency-key.js';
import { canonicalJson } from './canonical-json.js';
import { generatePlatformKeyPair, loadPlatformPrivateKey } from './platform-key.js';
import { assembleMessageFor, encryptForRecipients } from './recipient-encryption.js';
import { openSealedEnvelope, sealReport, verifyDetachedSignature } from './sealed-envelope.js';

/*
 * Interoperability with the real GnuPG 2.2 binary, the profile Windward promises agencies.
 * Each test runs in its own throwaway GNUPGHOME.
 */

const run = promisify(execFile);
const GPG = '/usr/bin/gpg';
const GPGCONF = '/usr/bin/gpgconf';
const PLATFORM_PASSPHRASE = 'platform passphrase for gpg tests';

const REPORT = {
  reference: 'KY-2026-0007',
  seizedAt: '2026-09-12T08:00:00Z',
  commodity: { category: 'TOBACCO', description: 'Cigarettes declared as “garments”' },
  quantity: { value: 400000, unit: 'sticks' },
};

class GpgHome {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GpgHome> {
    return new GpgHome(await mkdtemp(join(tmpdir(), 'ww-gpg-')));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async gpg(args: string[], passphrase = ''): Promise<{ stdout: string; stderr: string }> {
    return run(
      GPG,
      ['--homedir', this.dir, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args],
      { timeout: 30_000, maxBuffer: 10 * 1024 * 1024 },
    );
  }

  /** Runs gpg and returns its exit code instead of throwing, with the status lines. */
  async gpgStatus(args: string[], passphrase = ''): Promise<{ code: number; status: string }> {
    try {
      const { stdout } = await this.gpg(['--status-fd', '1', ...args], passphrase);
      return { code: 0, status: stdout };
    } catch (err) {
      const failed = err as { code?: number; stdout?: string };
      return { code: failed.code ?? -1, status: failed.stdout ?? '' };
    }
  }

  async generate(userId: string, algo: string, usage = 'default'): Promise<string> {
    await this.gpg(['--quick-gen-key', userId, algo, usage, 'never']);
    return this.fingerprint(userId.replace(/.*<(.*)>.*/, '$1'));
  }

  async fingerprint(email: string): Promise<string> {
    const { stdout } = await this.gpg(['--with-colons', '--list-keys', `<${email}>`]);
    const line = stdout.split('\n').find((l) => l.startsWith('fpr:'));
    if (!line) throw new Error(`no key for ${email}`);
    return line.split(':')[9];
  }

  async exportPublic(fingerprint: string): Promise<string> {
    return (await this.gpg(['--armor', '--export', fingerprint])).stdout;
  }

  async import(armored: string, passphrase = ''): Promise<void> {
    const file = this.path(`import-${Date.now()}-${Math.random()}.asc`);
    await writeFile(file, armored);
    await this.gpg(['--import', file], passphrase);
  }

  async dispose(): Promise<void> {
    await run(GPGCONF, ['--homedir', this.dir, '--kill', 'all'], { timeout: 10_000 }).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function domainFailure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('GnuPG 2.2 interoperability', () => {
  let home: GpgHome;
  let platform: { publicKey: PublicKey; privateKey: PrivateKey; publicArmored: string; privateArmored: string; fingerprint: string };

  beforeAll(async () => {
    const { stdout } = await run(GPG, ['--version'], { timeout: 10_000 });
    expect(stdout).toMatch(/^gpg \(GnuPG\) 2\.2\./);
    const pair = await generatePlatformKeyPair({ passphrase: PLATFORM_PASSPHRASE });
    platform = {
      publicKey: await readKey({ armoredKey: pair.publicKeyArmored }),
      privateKey: await loadPlatformPrivateKey({ armoredPrivateKey: pair.privateKeyArmored, passphrase: PLATFORM_PASSPHRASE }),
      publicArmored: pair.publicKeyArmored,
      privateArmored: pair.privateKeyArmored,
      fingerprint: pair.fingerprint,
    };
  });

  beforeEach(async () => {
    home = await GpgHome.create();
  });

  afterEach(async () => {
    await home.dispose();
  });

  describe('agency keys made by gpg', () => {
    it('accepts a default (ed25519/cv25519) gpg key', async () => {
      const fingerprint = await home.generate('KY Customs <ky@windward.invalid>', 'future-default');
      const info = await inspectAgencyPublicKey(await home.exportPublic(fingerprint));
      expect(info).toMatchObject({
        fingerprint,
        keyId: fingerprint.slice(-16),
        algorithm: 'curve25519',
        userIds: ['KY Customs <ky@windward.invalid>'],
        expiresAt: null,
      });
    });

    it('refuses a DSA/ElGamal gpg key', async () => {
      const fingerprint = await home.generate('Old <dsa@windward.invalid>', 'dsa2048');
      await home.gpg(['--quick-add-key', fingerprint, 'elg2048', 'encr', 'never']);
      const err = await domainFailure(inspectAgencyPublicKey(await home.exportPublic(fingerprint)));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/DSA and ElGamal/);
    });

    it('refuses a gpg RSA 2048 key', async () => {
      const fingerprint = await home.generate('Old <rsa@windward.invalid>', 'rsa2048');
      const err = await domainFailure(inspectAgencyPublicKey(await home.exportPublic(fingerprint)));
      expect(err.message).toMatch(/at least 3072 bits/);
    });

    it('refuses a gpg Brainpool (ECDSA) key by its curve, not as a key with a broken self-signature', async () => {
      // OpenPGP.js verifies ECDSA over Brainpool curves on Node only with a module it does not ship.
      const fingerprint = await home.generate('BP <bp@windward.invalid>', 'brainpoolP256r1');
      await home.gpg(['--quick-add-key', fingerprint, 'brainpoolP256r1', 'encr', 'never']);
      const err = await domainFailure(inspectAgencyPublicKey(await home.exportPublic(fingerprint)));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/Brainpool/);
    });

    it('still accepts Brainpool for encryption (ed25519 primary + brainpoolP256r1 ECDH subkey)', async () => {
      const fingerprint = await home.generate('Mixed <mixed@windward.invalid>', 'ed25519', 'sign');
      await home.gpg(['--quick-add-key', fingerprint, 'brainpoolP256r1', 'encr', 'never']);
      const info = await inspectAgencyPublicKey(await home.exportPublic(fingerprint));
      expect(info.algorithm).toBe('curve25519');
    });

    it('refuses a gpg key whose keys cannot sign (certify-only primary + encryption subkey)', async () => {
      const fingerprint = await home.generate('Cert <cert@windward.invalid>', 'ed25519', 'cert');
      await home.gpg(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']);
      const err = await domainFailure(inspectAgencyPublicKey(await home.exportPublic(fingerprint)));
      expect(err.message).toMatch(/cannot sign/);
    });

    it('applies the revocation certificate gpg wrote at key creation (":"-prefixed)', async () => {
      const fingerprint = await home.generate('KY Customs <ky@windward.invalid>', 'future-default');
      const [revFile] = await readdir(home.path('openpgp-revocs.d'));
      const certificate = await readFile(join(home.path('openpgp-revocs.d'), revFile), 'utf8');
      const { armored, revocation } = await applyRevocationCertificate({
        armoredPublicKey: await home.exportPublic(fingerprint),
        revocationCertificate: certificate,
      });
      expect(revocation.reason).toBe('UNSPECIFIED');
      const err = await domainFailure(inspectAgencyPublicKey(armored));
      expect(err.code).toBe('KEY_REVOKED');
    });
  });

  describe('sealed submissions made by gpg', () => {
    async function gpgSealedReport(content: string): Promise<{ armored: string; agencyKey: PublicKey; fingerprint: string; file: string }> {
      const fingerprint = await home.generate('KY Customs <ky@windward.invalid>', 'future-default');
      await home.import(platform.publicArmored);
      const file = home.path('report.json');
      await writeFile(file, content);
      await home.gpg([
        '--trust-model', 'always', '--armor', '--sign', '--encrypt',
        '--local-user', fingerprint, '--recipient', platform.fingerprint,
        '--output', home.path('report.json.asc'), file,
      ]);
      return {
        armored: await readFile(home.path('report.json.asc'), 'utf8'),
        agencyKey: await readKey({ armoredKey: await home.exportPublic(fingerprint) }),
        fingerprint,
        file,
      };
    }

    it('opens `gpg --sign --encrypt` of a canonical JSON file; gpg verifies the extracted detached signature', async () => {
      const canonical = canonicalJson(REPORT);
      const { armored, agencyKey, fingerprint, file } = await gpgSealedReport(canonical);
      const opened = await openSealedEnvelope({ armored, platformPrivateKey: platform.privateKey, senderKeys: [agencyKey] });
      expect(opened.report).toEqual(REPORT);
      expect(opened.canonical).toBe(canonical);
      expect(opened.signerFingerprint).toBe(fingerprint);

      const check = await verifyDetachedSignature({ content: canonical, armoredSignature: opened.detachedSignature, keys: [agencyKey] });
      expect(check).toMatchObject({ valid: true, signerFingerprint: fingerprint });

      await writeFile(home.path('report.json.sig'), opened.detachedSignature);
      const verified = await home.gpgStatus(['--verify', home.path('report.json.sig'), file]);
      expect(verified.code).toBe(0);
      expect(verified.status).toContain(`[GNUPG:] VALIDSIG ${fingerprint}`);
    });

    it('refuses a gpg-signed file that is not canonical (e.g. a trailing newline): the signature covers the exact bytes', async () => {
      const { armored, agencyKey } = await gpgSealedReport(`${canonicalJson(REPORT)}\n`);
      const err = await domainFailure(openSealedEnvelope({ armored, platformPrivateKey: platform.privateKey, senderKeys: [agencyKey] }));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/canonical/);
    });
  });

  describe('output read by gpg', () => {
    it('`gpg --decrypt` opens a message assembled for one recipient, which names no other recipient', async () => {
      const fingerprint = await home.generate('KY Customs <ky@windward.invalid>', 'future-default');
      const agencyKey = await readKey({ armoredKey: await home.exportPublic(fingerprint) });
      const plaintext = new TextEncoder().encode(JSON.stringify({ narrative: 'Sensitive section ✓' }));
      const { payload, wrappedKeys } = await encryptForRecipients(plaintext, [
        { recipientId: 'platform', publicKey: platform.publicKey },
        { recipientId: 'KY', publicKey: agencyKey },
      ]);
      const forKy = wrappedKeys.find((key) => key.recipientId === 'KY');
      const armored = await assembleMessageFor({ pkesk: forKy?.pkesk ?? new Uint8Array(), payload, armored: true });
      await writeFile(home.path('release.asc'), armored);

      const result = await home.gpgStatus(['--output', home.path('release.json'), '--decrypt', home.path('release.asc')]);
      expect(result.code).toBe(0);
      expect(result.status).toContain('[GNUPG:] DECRYPTION_OKAY');
      expect(result.status).toContain('[GNUPG:] GOODMDC');
      expect(result.status.match(/\[GNUPG:\] ENC_TO /g)).toHaveLength(1);
      expect(new Uint8Array(await readFile(home.path('release.json')))).toEqual(plaintext);
    });

    it('`gpg --decrypt` opens a sealReport envelope with the platform secret key and reports a good signature', async () => {
      const agency = await generateAgencyKeyPair({ agencyCode: 'JM', passphrase: 'jm passphrase' });
      const armored = await sealReport({
        report: REPORT,
        signingKey: { armoredPrivateKey: agency.privateKeyArmored, passphrase: 'jm passphrase' },
        platformPublicKey: platform.publicKey,
      });
      await home.import(platform.privateArmored, PLATFORM_PASSPHRASE);
      await home.import(agency.publicKeyArmored);
      await writeFile(home.path('sealed.asc'), armored);

      const result = await home.gpgStatus(
        ['--output', home.path('sealed.json'), '--decrypt', home.path('sealed.asc')],
        PLATFORM_PASSPHRASE,
      );
      expect(result.code).toBe(0);
      expect(result.status).toContain('[GNUPG:] GOODSIG');
      expect(result.status).toContain(`[GNUPG:] VALIDSIG ${agency.fingerprint}`);
      expect(result.status).toContain('[GNUPG:] GOODMDC');
      expect(await readFile(home.path('sealed.json'), 'utf8')).toBe(canonicalJson(REPORT));
    });
  });
});
