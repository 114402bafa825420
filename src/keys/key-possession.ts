import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readCleartextMessage, readMessage, verify, type CleartextMessage, type Message, type PublicKey } from 'openpgp';
import type { DataSource, EntityManager } from 'typeorm';
import { SignatureInvalidError } from '../crypto/crypto.errors.js';
import { INTEROP_CONFIG, formatFingerprint } from '../crypto/openpgp-profile.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { KeyChallengeEntity } from './key-challenge.entity.js';

/*
 * Proof of possession for public keys. Registering a key that one does not hold would let an
 * agency claim another's key (the rightful owner then gets CONFLICT) or stand behind a key it
 * cannot use. So the platform issues a challenge naming who the key is for and a fresh nonce, and
 * registration carries that text signed by the private key being registered: an inline-signed
 * message (`gpg --sign --armor`, `windward key register`) or a cleartext-signed one (`gpg --clearsign`).
 *
 * API (used for agency keys here, for users' personal keys by issue 14):
 *   const challenge = await possession.issue({ purpose: 'agency-key', subject: 'JM', subjectLabel: 'Agency', issuedTo: userId });
 *   // ...the client signs challenge.text...
 *   await possession.prove(manager, { purpose: 'agency-key', subject: 'JM', subjectLabel: 'Agency', issuedTo: userId }, signed, publicKey);
 * `prove` spends the challenge in the caller's transaction, so it is spent only if the key is stored.
 */

/** How long a challenge may be answered. */
export const KEY_CHALLENGE_TTL_MS = 15 * 60 * 1000;
const HEADER = 'Windward key possession challenge';
const MAX_SIGNED_LENGTH = 64 * 1024;

/** Who a key is being proven for. */
export interface PossessionSubject {
  /** What the key will be registered as, e.g. `agency-key`. */
  purpose: string;
  /** Whose key it will be: an agency code, a user id. */
  subject: string;
  /** How the challenge text names the subject, e.g. `Agency` or `User`. */
  subjectLabel: string;
  /** The user asking; only they can spend the challenge. */
  issuedTo: string;
}

export interface KeyChallenge {
  /** The exact text to sign. */
  text: string;
  nonce: string;
  expiresAt: Date;
}

/** The text of a challenge: one `Name: value` per line, so a person reading it before signing sees what it is for. */
export function challengeText(subject: Pick<PossessionSubject, 'purpose' | 'subject' | 'subjectLabel'>, nonce: string, expiresAt: Date): string {
  return [HEADER, `Purpose: ${subject.purpose}`, `${subject.subjectLabel}: ${subject.subject}`, `Nonce: ${nonce}`, `Expires: ${expiresAt.toISOString()}`, ''].join('\n');
}

function nonceOf(text: string): string | null {
  return /^Nonce: ([A-Za-z0-9_-]{43})$/m.exec(text)?.[1] ?? null;
}

/** Line ends as LF and no trailing blank lines: how gpg and editors may have changed the text. */
function normalised(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
}

async function readSigned(signed: string): Promise<Message<string> | CleartextMessage> {
  try {
    if (signed.includes('-----BEGIN PGP SIGNED MESSAGE-----')) return await readCleartextMessage({ cleartextMessage: signed, config: INTEROP_CONFIG });
    return await readMessage({ armoredMessage: signed, config: INTEROP_CONFIG });
  } catch {
    throw new BadUserInputError('signedChallenge: not an armored OpenPGP signed message (gpg --sign --armor or gpg --clearsign)', ['signedChallenge']);
  }
}

@Injectable()
export class KeyPossession {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A fresh challenge for `subject`, valid for KEY_CHALLENGE_TTL_MS. */
  async issue(subject: PossessionSubject): Promise<KeyChallenge> {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + KEY_CHALLENGE_TTL_MS);
    await this.dataSource.getRepository(KeyChallengeEntity).insert({
      nonce, purpose: subject.purpose, subject: subject.subject, issuedTo: subject.issuedTo, expiresAt, usedAt: null,
    });
    return { text: challengeText(subject, nonce, expiresAt), nonce, expiresAt };
  }

  /**
   * Checks that `signed` is a good signature by `publicKey` (its primary key or a signing subkey)
   * over a challenge issued for exactly this subject, unexpired and unspent, and spends it in the
   * caller's transaction. Throws SIGNATURE_INVALID or BAD_USER_INPUT naming `signedChallenge`.
   */
  async prove(manager: EntityManager, subject: PossessionSubject, signed: string, publicKey: PublicKey): Promise<void> {
    if (signed.length > MAX_SIGNED_LENGTH) throw new BadUserInputError('signedChallenge: too long', ['signedChallenge']);
    const message = await readSigned(signed);
    let text: string;
    let signatures: Awaited<ReturnType<typeof verify>>['signatures'];
    try {
      const result = await verify({ message: message as Message<string>, verificationKeys: publicKey, config: INTEROP_CONFIG });
      text = typeof result.data === 'string' ? result.data : new TextDecoder().decode(result.data as Uint8Array);
      signatures = result.signatures;
    } catch {
      throw new SignatureInvalidError('signedChallenge: the signature cannot be read', 'BAD_SIGNATURE');
    }
    const fingerprint = formatFingerprint(publicKey.getFingerprint());
    const mine = signatures.filter((entry) => publicKey.getKeys(entry.keyID).length > 0);
    if (mine.length === 0) throw new SignatureInvalidError(`signedChallenge: not signed by the key being registered (${fingerprint})`, 'UNKNOWN_SIGNER');
    try {
      await Promise.any(mine.map((entry) => entry.verified));
    } catch {
      throw new SignatureInvalidError('signedChallenge: the signature does not verify', 'BAD_SIGNATURE');
    }
    const nonce = nonceOf(text);
    if (!nonce) throw new BadUserInputError('signedChallenge: the signed text is not a challenge from this platform', ['signedChallenge']);
    const stored = await manager.findOneBy(KeyChallengeEntity, { nonce });
    if (!stored || stored.purpose !== subject.purpose || stored.subject !== subject.subject || stored.issuedTo !== subject.issuedTo) {
      throw new BadUserInputError('signedChallenge: the challenge was not issued to you for this key', ['signedChallenge']);
    }
    if (normalised(text) !== normalised(challengeText(subject, nonce, stored.expiresAt))) {
      throw new BadUserInputError('signedChallenge: the signed text differs from the challenge', ['signedChallenge']);
    }
    // Spent at most once, and only before it expires; concurrent attempts race on this UPDATE.
    const spent = await manager
      .createQueryBuilder()
      .update(KeyChallengeEntity)
      .set({ usedAt: () => 'now()' })
      .where('nonce = :nonce AND used_at IS NULL AND expires_at > now()', { nonce })
      .execute();
    if (spent.affected !== 1) throw new BadUserInputError('signedChallenge: the challenge has expired or was already used; ask for a new one', ['signedChallenge']);
  }
}
