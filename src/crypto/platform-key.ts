import type { PrivateKey, PublicKey, UserID } from 'openpgp';

import { DomainError } from '../errors/domain-error.js';
import {
  generateInteropKeyPair,
  readPublicKeyOrThrow,
  unlockPrivateKey,
  type GeneratedKeyPair,
} from './openpgp-profile.js';

export const PLATFORM_USER_ID: Readonly<Required<Pick<UserID, 'name' | 'email'>>> = {
  name: 'Windward Platform',
  email: 'platform@windward.invalid',
};

// The platform key protects every sealed submission; a short passphrase would make the
// encrypted key file the weakest link.
const MIN_PASSPHRASE_LENGTH = 12;

/**
 * The platform key cannot be loaded or made (a deployment problem, not a client's). Internal on
 * purpose: it is never shown to API clients, and its message never contains the passphrase.
 */
export class PlatformKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformKeyError';
  }
}

/** The passphrase given does not unlock the platform private key (the key itself is sound). */
export class PlatformKeyPassphraseError extends PlatformKeyError {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformKeyPassphraseError';
  }
}

export async function generatePlatformKeyPair(options: {
  passphrase: string;
  userId?: UserID;
  now?: Date;
}): Promise<GeneratedKeyPair> {
  if (typeof options.passphrase !== 'string' || options.passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new PlatformKeyError(`The platform key passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  return generateInteropKeyPair({
    userId: options.userId ?? PLATFORM_USER_ID,
    passphrase: options.passphrase,
    now: options.now,
  });
}

/** Reads and unlocks the platform private key; it must be passphrase-protected at rest. */
export async function loadPlatformPrivateKey(options: {
  armoredPrivateKey: string;
  passphrase: string;
}): Promise<PrivateKey> {
  try {
    return await unlockPrivateKey({
      armoredPrivateKey: options.armoredPrivateKey,
      passphrase: options.passphrase,
      requirePassphrase: true,
    });
  } catch (err) {
    if (err instanceof DomainError) {
      const message = `Cannot load the platform private key: ${lowerFirst(err.message)}`;
      const passphraseRefused = Array.isArray(err.details.fields) && err.details.fields.includes('passphrase');
      throw passphraseRefused ? new PlatformKeyPassphraseError(message) : new PlatformKeyError(message);
    }
    throw err;
  }
}

/** Reads the platform public key (e.g. for `windward seal --to FILE`). */
export async function loadPlatformPublicKey(armoredPublicKey: string): Promise<PublicKey> {
  return readPublicKeyOrThrow(armoredPublicKey, 'platformPublicKey');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
