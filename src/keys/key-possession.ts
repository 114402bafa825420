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
 * Proof of possession of a private key before its public key is registered: the platform issues a
 * challenge text naming the purpose, whose key it is and a fresh nonce; the registration carries
 * that text signed by the key (`gpg --sign --armor` or `gpg --clearsign`). Without it, anyone
 * could register someone else's public key as theirs, and reports would be sealed to a key its
 * registrant cannot use.
 *
 * Written for personal keys (issue 14) with the same API as the agency-key proof of possession on
 * the issue-13 branch (issue / prove), so that the two can be merged into one file:
 *   const challenge = await possession.issue({ purpose: 'user-key', subject: userId, subjectLabel: 'User', issuedTo: userId });
 *   await possession.prove(manager, sameSubject, signedText, publicKey); // spends it in the caller's transaction
 */

export const KEY_CHALLENGE_TTL_MS = 15 * 60 * 1000;
const HEADER = 'Windward key possession challenge';
const MAX_SIGNED_LENGTH = 64 * 1024;
const FIELD = 'signedChallenge';

export interface PossessionSubject {
  purpose: string;
  subject: string;
  /** How the text names the subject: `User`, `Agency`. */
  subjectLabel: string;
  /** The user asking: only they may answer. */
  issuedTo: string;
}

export interface KeyChallenge {
  text: string;
  nonce: string;
  expiresAt: Date;
}

/** The text to sign, one `Name: value` per line so a person sees what they sign. */
export function challengeText(subject: Pick<PossessionSubject, 'purpose' | 'subject' | 'subjectLabel'>, nonce: string, expiresAt: Date): string {
  return `${[HEADER, `Purpose: ${subject.purpose}`, `${subject.subjectLabel}: ${subject.subject}`, `Nonce: ${nonce}`, `Expires: ${expiresAt.toISOString()}`].join('\n')}\n`;
}

/** gpg may change line ends and trailing newlines; nothing else may differ. */
const comparable = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');

@Injectable()
export class KeyPossession {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(subject: PossessionSubject): Promise<KeyChallenge> {
    const nonce = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + KEY_CHALLENGE_TTL_MS);
    await this.dataSource.getRepository(KeyChallengeEntity).insert({
      nonce, purpose: subject.purpose, subject: subject.subject, issuedTo: subject.issuedTo, expiresAt, usedAt: null,
    });
    return { text: challengeText(subject, nonce, expiresAt), nonce, expiresAt };
  }

  /**
   * Checks that `signed` is `publicKey`'s valid signature over a challenge issued for exactly this
   * subject to this user, unexpired and unspent, and spends it within `manager`'s transaction.
   */
  async prove(manager: EntityManager, subject: PossessionSubject, signed: string, publicKey: PublicKey): Promise<void> {
    if (typeof signed !== 'string' || signed.length > MAX_SIGNED_LENGTH) throw new BadUserInputError(`${FIELD}: missing or longer than 64 KiB`, [FIELD]);
    let message: Message<string> | CleartextMessage;
    try {
      message = signed.includes('-----BEGIN PGP SIGNED MESSAGE-----')
        ? await readCleartextMessage({ cleartextMessage: signed, config: INTEROP_CONFIG })
        : await readMessage({ armoredMessage: signed, config: INTEROP_CONFIG });
    } catch {
      throw new BadUserInputError(`${FIELD}: not an armored OpenPGP signed message (gpg --sign --armor or gpg --clearsign)`, [FIELD]);
    }
    let text: string;
    let checks: Promise<boolean>[];
    try {
      const result = await verify({ message: message as Message<string>, verificationKeys: publicKey, config: INTEROP_CONFIG });
      text = typeof result.data === 'string' ? result.data : new TextDecoder().decode(result.data as Uint8Array);
      checks = result.signatures.filter((s) => publicKey.getKeys(s.keyID).length > 0).map((s) => s.verified);
    } catch {
      throw new SignatureInvalidError(`${FIELD}: the signature cannot be read`, 'BAD_SIGNATURE');
    }
    if (checks.length === 0) {
      throw new SignatureInvalidError(`${FIELD}: not signed by the key being registered (${formatFingerprint(publicKey.getFingerprint())})`, 'UNKNOWN_SIGNER');
    }
    try {
      await Promise.any(checks);
    } catch {
      throw new SignatureInvalidError(`${FIELD}: the signature does not verify`, 'BAD_SIGNATURE');
    }
    const nonce = /^Nonce: ([A-Za-z0-9_-]{43})$/m.exec(text)?.[1];
    const stored = nonce ? await manager.findOneBy(KeyChallengeEntity, { nonce }) : null;
    if (!stored || stored.purpose !== subject.purpose || stored.subject !== subject.subject || stored.issuedTo !== subject.issuedTo) {
      throw new BadUserInputError(`${FIELD}: not a challenge issued to you for this key`, [FIELD]);
    }
    if (comparable(text) !== comparable(challengeText(subject, stored.nonce, stored.expiresAt))) {
      throw new BadUserInputError(`${FIELD}: the signed text differs from the challenge`, [FIELD]);
    }
    const spent = await manager
      .createQueryBuilder()
      .update(KeyChallengeEntity)
      .set({ usedAt: () => 'now()' })
      .where('nonce = :nonce AND used_at IS NULL AND expires_at > now()', { nonce: stored.nonce })
      .execute();
    if (spent.affected !== 1) throw new BadUserInputError(`${FIELD}: the challenge expired or was used already; ask for a new one`, [FIELD]);
  }
}
