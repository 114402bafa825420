import { signChallenge } from '../../src/keys/key-register.command.js';
import type { GraphqlResponse, TestPlatform } from './test-platform.js';

export const KEY_CHALLENGE = 'mutation { agencyKeyChallenge { challenge nonce expiresAt } }';

/** The challenge text for `token`'s agency, or null with the errors when it is refused. */
export async function keyChallenge(platform: TestPlatform, token: string | null): Promise<{ text: string | null; errors: GraphqlResponse['errors'] }> {
  const answer = await platform.gql<{ agencyKeyChallenge: { challenge: string } }>(token, KEY_CHALLENGE);
  return { text: answer.data?.agencyKeyChallenge.challenge ?? null, errors: answer.errors };
}

/**
 * registerAgencyKey as a client does it: asks for a challenge, signs it with `armoredPrivateKey`,
 * and sends `mutation` (which takes `$key` and `$signed`) with the public key and the signature.
 */
export async function registerWithProof<T = Record<string, unknown>>(
  platform: TestPlatform,
  token: string | null,
  mutation: string,
  publicKeyArmored: string,
  armoredPrivateKey: string,
  passphrase?: string,
): Promise<GraphqlResponse<T>> {
  const challenge = await keyChallenge(platform, token);
  // Without a challenge (refused caller) the registration is still sent, to see its own refusal.
  const signed = await signChallenge(challenge.text ?? 'no challenge was issued', armoredPrivateKey, passphrase);
  return platform.gql<T>(token, mutation, { key: publicKeyArmored, signed });
}
