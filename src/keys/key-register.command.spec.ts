import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateAgencyKeyPair } from '../crypto/agency-key.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { bearerTokenOrThrow, registerAgencyKeyRemotely } from './key-register.command.js';

const SECRET = 'wwk_Sup3rS3cretKeyMaterial0123456789abcdefghijk';

describe('windward key register: WINDWARD_TOKEN', () => {
  it.each([
    ['a line break', `${SECRET}\nsecond-line`],
    ['a line break', `${SECRET.slice(0, 10)}\r\n${SECRET.slice(10)}`],
    ['a control character', `${SECRET}\u001b[2J`],
    ['a space', `${SECRET.slice(0, 10)} ${SECRET.slice(10)}`],
    ['a character other than printable ASCII', `${SECRET}é`],
  ])('refuses a token with %s, in one line that does not show the token', async (what, token) => {
    const attempt = registerAgencyKeyRemotely({ url: 'http://127.0.0.1:1/graphql', publicKey: '/nonexistent/k.pub', privateKey: '/nonexistent/k.asc', token });
    await expect(attempt).rejects.toThrow(BadUserInputError);
    const message = await attempt.then(() => '', (error: Error) => error.message);
    expect(message).toBe(`WINDWARD_TOKEN contains ${what}: set it to the API key or token alone, on one line`);
    expect(message).not.toContain(SECRET.slice(4, 14));
  });

  it('takes the token without the whitespace around it (a key file\'s last newline)', () => {
    expect(bearerTokenOrThrow(`  ${SECRET}\n`)).toBe(SECRET);
    expect(bearerTokenOrThrow('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
  });

  it('asks for it when it is missing or blank', () => {
    for (const token of [undefined, '', ' \n']) expect(() => bearerTokenOrThrow(token)).toThrow('Give the credentials of an AGENCY_ADMIN in WINDWARD_TOKEN');
  });
});

describe('windward key register: the key files', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'windward-key-register-'));
    // Answers like Windward would until the registration itself; records everything sent to it.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(body.includes('agencyKeyChallenge')
          ? { data: { agencyKeyChallenge: { challenge: 'Windward key possession challenge\n' } } }
          : { errors: [{ message: 'Private keys are refused: send only the public key. Nothing was stored.', extensions: { code: 'BAD_USER_INPUT' } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a private key given as the public key before sending anything: the private key never leaves the machine', async () => {
    const pair = await generateAgencyKeyPair({ agencyCode: 'JM' });
    const privateFile = path.join(dir, 'JM.private.asc');
    await writeFile(privateFile, pair.privateKeyArmored, { mode: 0o600 });
    const attempt = registerAgencyKeyRemotely({ url, publicKey: privateFile, privateKey: privateFile, token: SECRET });
    await expect(attempt).rejects.toThrow(BadUserInputError);
    expect(bodies.filter((body) => body.includes('PRIVATE KEY BLOCK'))).toEqual([]);
  });
});
