import { readFile } from 'node:fs/promises';
import { createMessage, sign } from 'openpgp';
import { INTEROP_CONFIG, readPublicKeyOrThrow, unlockPrivateKey } from '../crypto/openpgp-profile.js';
import { BadUserInputError } from '../errors/domain-error.js';

/*
 * `windward key register`: registers an agency's public key on a running Windward over its GraphQL
 * API, proving possession of the private key (key-possession.ts): it asks for a challenge
 * (agencyKeyChallenge), signs its text with the private key, and sends both with registerAgencyKey.
 * The private key never leaves this machine. A GnuPG user does the same with `gpg --sign --armor`.
 */

/** Signs a challenge's text as an armored inline-signed message, as `gpg --sign --armor` would. */
export async function signChallenge(text: string, armoredPrivateKey: string, passphrase?: string): Promise<string> {
  const signingKey = await unlockPrivateKey({ armoredPrivateKey, passphrase, field: 'privateKey' });
  return sign({ message: await createMessage({ text }), signingKeys: signingKey, format: 'armored', config: INTEROP_CONFIG });
}

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function call<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new Error(`Cannot reach ${url}`);
  }
  let answer: GraphqlAnswer<T>;
  try {
    answer = (await response.json()) as GraphqlAnswer<T>;
  } catch {
    throw new Error(`${url} did not answer with GraphQL (HTTP ${response.status})`);
  }
  const error = answer.errors?.[0];
  if (error) throw new Error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
  if (!answer.data) throw new Error(`${url} answered without data (HTTP ${response.status})`);
  return answer.data;
}

async function readNamed(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new Error(`Cannot read the ${what} ${file}`);
  }
}

export interface RegisterKeyOptions {
  url: string;
  publicKey: string;
  privateKey: string;
  passphraseFile?: string;
  /** The API key or OIDC token of an AGENCY_ADMIN; from WINDWARD_TOKEN when not given. */
  token?: string;
}

/**
 * The bearer token as it goes into the Authorization header: an API key or a JWT is visible ASCII
 * only. Whitespace around it (the newline a key file ends with) is dropped; anything else is
 * refused in a message that never shows the token, which is a secret.
 */
export function bearerTokenOrThrow(value: string | undefined): string {
  const token = value?.trim();
  if (!token) throw new BadUserInputError('Give the credentials of an AGENCY_ADMIN in WINDWARD_TOKEN', ['token']);
  const bad = [...token].find((char) => char < '!' || char > '~');
  if (bad !== undefined) {
    // eslint-disable-next-line no-control-regex
    const what = /[\r\n]/.test(bad) ? 'a line break' : bad === ' ' ? 'a space' : /[\u0000-\u001f\u007f-\u009f]/.test(bad) ? 'a control character' : 'a character other than printable ASCII';
    throw new BadUserInputError(`WINDWARD_TOKEN contains ${what}: set it to the API key or token alone, on one line`, ['token']);
  }
  return token;
}

export async function registerAgencyKeyRemotely(options: RegisterKeyOptions): Promise<{ fingerprint: string; agencyCode: string }> {
  const token = bearerTokenOrThrow(options.token ?? process.env.WINDWARD_TOKEN);
  const [publicKey, privateKey, passphraseText] = await Promise.all([
    readNamed(options.publicKey, 'public key'),
    readNamed(options.privateKey, 'private key'),
    options.passphraseFile ? readNamed(options.passphraseFile, 'passphrase file') : Promise.resolve(undefined),
  ]);
  const passphrase = passphraseText?.split(/\r?\n/)[0];
  // Checked here, before anything is sent: the server refuses a private key too, but only once it
  // has received it (the same file given twice, or the private one as --public-key).
  await readPublicKeyOrThrow(publicKey, 'publicKey', {
    privateKeyRefused: `The public key ${options.publicKey} is a private key: give its public key (nothing was sent)`,
  });
  const { agencyKeyChallenge } = await call<{ agencyKeyChallenge: { challenge: string } }>(options.url, token, 'mutation { agencyKeyChallenge { challenge } }');
  const signed = await signChallenge(agencyKeyChallenge.challenge, privateKey, passphrase);
  const { registerAgencyKey } = await call<{ registerAgencyKey: { fingerprint: string; agencyCode: string } }>(
    options.url,
    token,
    'mutation($key: String!, $signed: String!) { registerAgencyKey(armoredPublicKey: $key, signedChallenge: $signed) { fingerprint agencyCode } }',
    { key: publicKey, signed },
  );
  return registerAgencyKey;
}
