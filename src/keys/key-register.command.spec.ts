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
