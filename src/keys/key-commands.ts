import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open as openFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { decrypt, readMessage, type Message, type PublicKey } from 'openpgp';
import { generateAgencyKeyPair } from '../crypto/agency-key.js';
import { SignatureInvalidError, classifyOpenPgpError } from '../crypto/crypto.errors.js';
import { INTEROP_CONFIG, formatFingerprint, readPublicKeyOrThrow, unlockPrivateKey } from '../crypto/openpgp-profile.js';
import { MAX_SEALED_ENVELOPE_BYTES, sealReport } from '../crypto/sealed-envelope.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { removingOnInterrupt } from './interrupt-cleanup.js';

/*
 * What the CLI's `keygen`, `seal` and `open` do (cli/commands/keys.ts defines the commands). They
 * are what an agency runs on its own machine, so they need no database and no server; they only
 * read and write files.
 */

const ARMORED_MESSAGE = /-----BEGIN PGP MESSAGE-----/;
// Sealed output is a report, not a disk image: refuse to expand a small file into gigabytes.
const MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;
const MiB = 1024 * 1024;
// Input limits, checked before a file is read whole (a 1 GB file would otherwise exhaust memory).
// Sealing adds a third (armor), so a report file over the envelope limit of submitSealedSeizure
// could fit only as mostly insignificant whitespace; the exact check is on the envelope (seal).
const MAX_REPORT_BYTES = MAX_SEALED_ENVELOPE_BYTES;
// The largest sealed output Windward hands out: a section from a request within the API's 5 MB
// body limit, padded to 8 MiB when server-blind, then armored (+35%).
const MAX_MESSAGE_BYTES = 16 * MiB;
// Armored keys and passphrases are a few kilobytes.
const MAX_SMALL_FILE_BYTES = 1 * MiB;
const READ_CHUNK_BYTES = 64 * 1024;

function cannotRead(file: string, what: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'unreadable';
  return new Error(`Cannot read the ${what} ${file}: ${why}`, { cause: error });
}

/**
 * Reads a file named on the command line; failures say which file and why, in one line. A file
 * larger than `maxBytes` is refused before it is read whole; pipes, which have no size, are read
 * no further than one byte past it.
 */
async function readInput(file: string, what: string, maxBytes: number): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    throw cannotRead(file, what, error);
  }
  const tooLarge = () => new BadUserInputError(`The ${what} ${file} is larger than ${maxBytes / MiB} MiB`);
  try {
    const stats = await handle.stat();
    if (stats.isFile() && stats.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    throw tooLarge();
  } catch (error) {
    throw error instanceof BadUserInputError ? error : cannotRead(file, what, error);
  } finally {
    await handle.close();
  }
}

/**
 * Text that must reach OpenPGP exactly as written: invalid UTF-8 is refused rather than replaced
 * with U+FFFD (which would then be signed, or become part of a passphrase).
 */
function decodeUtf8(bytes: Buffer, file: string, field: string, options: { keepByteOrderMark?: boolean } = {}): string {
  try {
    // Unless kept, a leading byte-order mark (Windows Notepad writes one) is dropped.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.keepByteOrderMark ?? false }).decode(bytes);
  } catch {
    throw new BadUserInputError(`${file} is not UTF-8 text`, [field]);
  }
}

/** An armored key file; a non-ASCII byte makes the armor malformed, which the key reader reports. */
async function readKeyFile(file: string, what: string): Promise<string> {
  return (await readInput(file, what, MAX_SMALL_FILE_BYTES)).toString('utf8');
}

/** A public key file, refusing a private key (which would be a mistake to pass around). */
async function readPublicKeyFile(file: string, what: string, field: string): Promise<PublicKey> {
  return readPublicKeyOrThrow(await readKeyFile(file, what), field, {
    privateKeyRefused: `The ${what} ${file} is a private key: give its public key`,
  });
}

/**
 * The first line of a passphrase file, as `gpg --passphrase-file` reads it: byte for byte, so a
 * byte-order mark stays part of it there as here.
 */
async function readPassphrase(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const text = decodeUtf8(await readInput(file, 'passphrase file', MAX_SMALL_FILE_BYTES), file, 'passphraseFile', { keepByteOrderMark: true });
  const [first] = text.split(/\r?\n/);
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
  const outputs: Output[] = [
    { file: files.privateKeyFile, text: pair.privateKeyArmored, mode: 0o600 },
    { file: files.revocationCertificateFile, text: pair.revocationCertificate, mode: 0o600 },
    { file: files.publicKeyFile, text: pair.publicKeyArmored, mode: 0o644 },
  ];
  // Checked before writing anything, with lstat: a dangling symlink is a taken name too (link(2)
  // and O_EXCL refuse it), though access() and stat() see nothing there.
  for (const { file } of outputs) {
    if (await nameTaken(file)) throw new Error(`${file} already exists: not overwritten`);
  }
  await writeAllOrNothing(outputs);
  return { fingerprint: pair.fingerprint, ...files };
}

interface Output {
  file: string;
  text: string;
  mode: number;
}

async function nameTaken(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`Cannot write ${file}`, { cause: error });
  }
}

/**
 * Writes every file under a temporary name in its own directory, then gives each its real name
 * with link(2), which never replaces an existing name (a dangling symlink or a file created since
 * the check included). Any failure, and SIGINT, SIGTERM or SIGHUP, removes what this call wrote, so
 * a refused or interrupted run leaves no half key pair that would block the next one, nor a private
 * key under a temporary name.
 */
async function writeAllOrNothing(outputs: readonly Output[]): Promise<void> {
  const temporary: string[] = [];
  const placed: string[] = [];
  // An interrupt removes what was written so far too, as a failure does.
  await removingOnInterrupt(() => [...placed, ...temporary], () => writeThenPlace(outputs, temporary, placed));
}

async function writeThenPlace(outputs: readonly Output[], temporary: string[], placed: string[]): Promise<void> {
  try {
    for (const output of outputs) {
      const temp = path.join(path.dirname(output.file), `.${path.basename(output.file)}.${randomBytes(6).toString('hex')}.tmp`);
      let handle: FileHandle;
      try {
        handle = await openFile(temp, 'wx', output.mode);
      } catch (error) {
        throw new Error(`Cannot write ${output.file}`, { cause: error });
      }
      temporary.push(temp);
      try {
        await handle.writeFile(output.text);
      } catch (error) {
        throw new Error(`Cannot write ${output.file}`, { cause: error });
      } finally {
        await handle.close();
      }
    }
    for (const [i, output] of outputs.entries()) {
      await placeWithoutOverwriting(temporary[i], output.file);
      placed.push(output.file);
    }
  } catch (error) {
    await Promise.all([...placed, ...temporary].map((file) => rm(file, { force: true })));
    throw error;
  }
  await Promise.all(temporary.map((file) => rm(file, { force: true })));
}

// link(2) fails so on file systems without hard links (FAT and exFAT, say, on a USB stick).
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

async function placeWithoutOverwriting(temp: string, file: string): Promise<void> {
  try {
    await link(temp, file);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${file} already exists: not overwritten`, { cause: error });
    if (!code || !NO_HARD_LINKS.has(code)) throw new Error(`Cannot write ${file}`, { cause: error });
  }
  try {
    // O_EXCL: no overwriting either; the copy keeps the temporary file's mode.
    await copyFile(temp, file, fsConstants.COPYFILE_EXCL);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${file} already exists: not overwritten`, { cause: error });
    // Created by this call, so safe to remove: a partial copy would block the next run.
    await rm(file, { force: true });
    throw new Error(`Cannot write ${file}`, { cause: error });
  }
}

/** `windward seal`: signs a JSON report with the agency key and encrypts it to the platform (or `--to`) key. */
export async function seal(reportFile: string, options: { signingKey: string; to: string; passphraseFile?: string }): Promise<string> {
  const [reportBytes, armoredPrivateKey, recipientKey, passphrase] = await Promise.all([
    readInput(reportFile, 'report', MAX_REPORT_BYTES),
    readKeyFile(options.signingKey, 'signing key'),
    readPublicKeyFile(options.to, 'recipient key', 'to'),
    readPassphrase(options.passphraseFile),
  ]);
  const reportText = decodeUtf8(reportBytes, reportFile, 'report');
  let report: unknown;
  try {
    report = JSON.parse(reportText);
  } catch {
    throw new BadUserInputError(`${reportFile} is not valid JSON`, ['report']);
  }
  if (report === null || typeof report !== 'object' || Array.isArray(report)) {
    throw new BadUserInputError(`${reportFile} must hold a JSON object`, ['report']);
  }
  const envelope = await sealReport({
    report: report as Record<string, unknown>,
    signingKey: { armoredPrivateKey, passphrase },
    platformPublicKey: recipientKey,
  });
  if (envelope.length > MAX_SEALED_ENVELOPE_BYTES) {
    throw new BadUserInputError(`${reportFile} is too large: sealed, it is larger than the ${MAX_SEALED_ENVELOPE_BYTES / MiB} MiB submitSealedSeizure accepts`, ['report']);
  }
  return envelope;
}

export interface OpenResult {
  plaintext: Uint8Array;
  /** The good signature by the `verifyWith` key; null when no key to check against was given. */
  signature: { signerFingerprint: string; signedAt: Date | null } | null;
  /** Without `verifyWith`: the key IDs the message says signed it, unchecked (none: not signed). */
  uncheckedSigners: string[];
}

/**
 * `windward open`: decrypts a message with the reader's private key. With `verifyWith` it also
 * requires a good signature by that key. Without it nothing says who made the message, which the
 * command tells on stderr: Windward's own sealed output is encrypted for its reader but not signed
 * (one stored payload serves every reader), and anyone holding the reader's public key can make
 * a message that decrypts.
 */
export async function open(messageFile: string, options: { key: string; verifyWith?: string; passphraseFile?: string }): Promise<OpenResult> {
  const [messageBytes, armoredPrivateKey, verificationKey, passphrase] = await Promise.all([
    readInput(messageFile, 'message', MAX_MESSAGE_BYTES),
    readKeyFile(options.key, 'key'),
    options.verifyWith === undefined ? Promise.resolve(undefined) : readPublicKeyFile(options.verifyWith, 'verification key', 'verifyWith'),
    readPassphrase(options.passphraseFile),
  ]);
  const privateKey = await unlockPrivateKey({ armoredPrivateKey, passphrase, field: 'key' });
  const message = await readAnyMessage(messageBytes, messageFile);
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
  if (!verificationKey) {
    return { plaintext: result.data, signature: null, uncheckedSigners: [...new Set(result.signatures.map((entry) => entry.keyID.toHex().toUpperCase()))] };
  }
  return { plaintext: result.data, signature: await checkSignature(result.signatures, verificationKey), uncheckedSigners: [] };
}

async function readAnyMessage(bytes: Buffer, file: string): Promise<Message<Uint8Array | string>> {
  try {
    const text = bytes.toString('utf8');
    if (ARMORED_MESSAGE.test(text)) return await readMessage({ armoredMessage: text, config: INTEROP_CONFIG });
    return await readMessage({ binaryMessage: new Uint8Array(bytes), config: INTEROP_CONFIG });
  } catch {
    // Both forms are accepted, so the shared "expected an ASCII-armored message" would mislead.
    throw new BadUserInputError(`Malformed OpenPGP message: ${file} is neither an armored nor a binary OpenPGP message`, ['message']);
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
