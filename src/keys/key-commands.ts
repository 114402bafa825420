import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decrypt, readMessage, type Message, type PublicKey } from 'openpgp';
import { generateAgencyKeyPair, loadAgencyPublicKey } from '../crypto/agency-key.js';
import { SignatureInvalidError, classifyOpenPgpError } from '../crypto/crypto.errors.js';
import { INTEROP_CONFIG, formatFingerprint, unlockPrivateKey } from '../crypto/openpgp-profile.js';
import { loadPlatformPublicKey } from '../crypto/platform-key.js';
import { sealReport } from '../crypto/sealed-envelope.js';
import { BadUserInputError } from '../errors/domain-error.js';

/*
 * What the CLI's `keygen`, `seal` and `open` do (cli/commands/keys.ts defines the commands). They
 * are what an agency runs on its own machine, so they need no database and no server; they only
 * read and write files.
 */

const ARMORED_MESSAGE = /-----BEGIN PGP MESSAGE-----/;
// Sealed output is a report, not a disk image: refuse to expand a small file into gigabytes.
const MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;

/** Reads a file named on the command line; failures say which file and why, in one line. */
async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'unreadable';
    throw new Error(`Cannot read the ${what} ${file}: ${why}`, { cause: error });
  }
}

async function readText(file: string, what: string): Promise<string> {
  return (await readInput(file, what)).toString('utf8');
}

/** The first line of a passphrase file, as `gpg --passphrase-file` reads it. */
async function readPassphrase(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const [first] = (await readText(file, 'passphrase file')).split(/\r?\n/);
  if (!first) throw new BadUserInputError(`The passphrase file ${file} is empty`, ['passphraseFile']);
  return first;
}

export interface KeygenResult {
  fingerprint: string;
  publicKeyFile: string;
  privateKeyFile: string;
  revocationCertificateFile: string;
}

/** `windward keygen`: an agency key pair (v4 Curve25519) written as armored files; the secret ones mode 0600. */
export async function keygen(options: { agency: string; out: string; passphraseFile?: string }): Promise<KeygenResult> {
  const passphrase = await readPassphrase(options.passphraseFile);
  const pair = await generateAgencyKeyPair({ agencyCode: options.agency, passphrase });
  const code = options.agency.toUpperCase();
  const files = {
    publicKeyFile: path.join(options.out, `${code}.public.asc`),
    privateKeyFile: path.join(options.out, `${code}.private.asc`),
    revocationCertificateFile: path.join(options.out, `${code}.revocation.asc`),
  };
  try {
    await mkdir(options.out, { recursive: true, mode: 0o700 });
  } catch {
    throw new Error(`Cannot create the directory ${options.out}`);
  }
  // Checked before writing anything, so a refusal leaves no half-written key pair behind.
  for (const file of Object.values(files)) {
    if (await exists(file)) throw new Error(`${file} already exists: not overwritten`);
  }
  await writeOutput(files.privateKeyFile, pair.privateKeyArmored, 0o600);
  await writeOutput(files.revocationCertificateFile, pair.revocationCertificate, 0o600);
  await writeOutput(files.publicKeyFile, pair.publicKeyArmored, 0o644);
  return { fingerprint: pair.fingerprint, ...files };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function writeOutput(file: string, text: string, mode: number): Promise<void> {
  try {
    // 'wx': never replaces a file, even one created since the check above.
    await writeFile(file, text, { mode, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EEXIST' ? `${file} already exists: not overwritten` : `Cannot write ${file}`, { cause: error });
  }
}

/** `windward seal`: signs a JSON report with the agency key and encrypts it to the platform (or `--to`) key. */
export async function seal(reportFile: string, options: { signingKey: string; to: string; passphraseFile?: string }): Promise<string> {
  const [reportText, armoredPrivateKey, recipientArmored, passphrase] = await Promise.all([
    readText(reportFile, 'report'),
    readText(options.signingKey, 'signing key'),
    readText(options.to, 'recipient key'),
    readPassphrase(options.passphraseFile),
  ]);
  let report: unknown;
  try {
    report = JSON.parse(reportText);
  } catch {
    throw new BadUserInputError(`${reportFile} is not valid JSON`, ['report']);
  }
  if (report === null || typeof report !== 'object' || Array.isArray(report)) {
    throw new BadUserInputError(`${reportFile} must hold a JSON object`, ['report']);
  }
  return sealReport({
    report: report as Record<string, unknown>,
    signingKey: { armoredPrivateKey, passphrase },
    platformPublicKey: await loadPlatformPublicKey(recipientArmored),
  });
}

export interface OpenResult {
  plaintext: Uint8Array;
  /** Set when `--verify-with` was given and the signature is good. */
  signature?: { signerFingerprint: string; signedAt: Date | null };
}

/** `windward open`: decrypts sealed output with the reader's private key; with `verifyWith`, requires a good signature by that key. */
export async function open(messageFile: string, options: { key: string; verifyWith?: string; passphraseFile?: string }): Promise<OpenResult> {
  const [messageBytes, armoredPrivateKey, verifyArmored, passphrase] = await Promise.all([
    readInput(messageFile, 'message'),
    readText(options.key, 'key'),
    options.verifyWith === undefined ? Promise.resolve(undefined) : readText(options.verifyWith, 'verification key'),
    readPassphrase(options.passphraseFile),
  ]);
  const privateKey = await unlockPrivateKey({ armoredPrivateKey, passphrase, field: 'key' });
  const verificationKey = verifyArmored === undefined ? undefined : await loadAgencyPublicKey(verifyArmored);
  const message = await readAnyMessage(messageBytes);
  let result: Awaited<ReturnType<typeof decrypt>> & { data: Uint8Array };
  try {
    result = await decrypt({
      message,
      decryptionKeys: privateKey,
      verificationKeys: verificationKey ? [verificationKey] : [],
      format: 'binary',
      config: { ...INTEROP_CONFIG, maxDecompressedMessageSize: MAX_PLAINTEXT_BYTES },
    });
  } catch (error) {
    throw classifyOpenPgpError(error, { operation: 'decrypt', field: 'message' });
  }
  if (!verificationKey) return { plaintext: result.data };
  return { plaintext: result.data, signature: await checkSignature(result.signatures, verificationKey) };
}

async function readAnyMessage(bytes: Buffer): Promise<Message<Uint8Array | string>> {
  try {
    const text = bytes.toString('utf8');
    if (ARMORED_MESSAGE.test(text)) return await readMessage({ armoredMessage: text, config: INTEROP_CONFIG });
    return await readMessage({ binaryMessage: new Uint8Array(bytes), config: INTEROP_CONFIG });
  } catch (error) {
    throw classifyOpenPgpError(error, { operation: 'read-message', field: 'message' });
  }
}

type SignatureResults = Awaited<ReturnType<typeof decrypt>>['signatures'];

async function checkSignature(signatures: SignatureResults, key: PublicKey): Promise<NonNullable<OpenResult['signature']>> {
  if (signatures.length === 0) throw new SignatureInvalidError('The message is not signed', 'UNSIGNED');
  const signerFingerprint = formatFingerprint(key.getFingerprint());
  const mine = signatures.find((entry) => key.getKeys(entry.keyID).length > 0);
  if (!mine) throw new SignatureInvalidError(`The message is not signed by ${signerFingerprint}`, 'UNKNOWN_SIGNER');
  try {
    await mine.verified;
  } catch (error) {
    throw classifyOpenPgpError(error, { operation: 'verify', fingerprint: signerFingerprint });
  }
  const signature = await mine.signature;
  return { signerFingerprint, signedAt: signature.packets[0]?.created ?? null };
}
