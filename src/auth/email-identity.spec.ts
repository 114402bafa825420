import fc from 'fast-check';
import { asciiLowerCase, canonicalEmail } from './email-identity.js';

const canonical = (value: unknown) => {
  const result = canonicalEmail(value);
  return result.ok ? result.address : null;
};

describe('canonicalEmail', () => {
  it('lower-cases ASCII letters only', () => {
    expect(canonical('Elo.Smith@KY.Demo')).toBe('elo.smith@ky.demo');
    expect(canonical('jos\u00E9@jm.test')).toBe('jos\u00E9@jm.test');
  });

  it.each([
    ['the Kelvin sign', 'elo@\u212Ay.demo'],
    ['the Angstrom sign', '\u212Bngstrom@jm.test'],
    ['the Ohm sign', '\u2126@jm.test'],
    ['the long s', 'kri\u017F@jm.test'],
    ['the dotted capital I', '\u0130smail@jm.test'],
    ['the dotless i', '\u0131smail@jm.test'],
    ['the sharp s', 'stra\u00DFe@jm.test'],
    ['the ligature fi', '\uFB01le@jm.test'],
    ['a capital non-ASCII letter', 'JOS\u00C9@jm.test'],
    ['the final sigma', '\u03C3\u03C2@jm.test'],
    ['a decomposed letter (not NFC)', 'a\u030A@jm.test'],
    ['the Greek question mark (NFC makes it ";")', 'a\u037E@jm.test'],
    ['a zero-width space', 'elo\u200B@ky.demo'],
    ['whitespace', 'elo @ky.demo'],
    ['two @', 'a@b@c.test'],
    ['no local part', '@ky.demo'],
    ['a number', 42],
  ])('refuses %s', (_name, value) => {
    expect(canonicalEmail(value).ok).toBe(false);
  });

  it('refuses a capital whose combining mark composes with its lower case (the canonical form would leave NFC)', () => {
    for (const capital of ['W\u030A', 'J\u030C', 'T\u0308', 'Y\u030A', 'H\u0331']) {
      expect(canonicalEmail(`a${capital}@jm.test`)).toEqual({ ok: false, reason: 'lower-casing takes it out of Unicode normal form C (NFC)' });
    }
  });

  it('property: what it accepts maps one-to-one, ASCII case aside', () => {
    const letters = ['a', 'k', 's', 'i', 'K', 'S', 'I', '\u212A', '\u017F', '\u0130', '\u0131', '\u00E9', '\u00C9', '\u00DF', '\uFB01', '\u00E5', '\u212B', 'a\u030A', '\u03C3', '\u03C2', '\u03A3', '\u2126', '\u03A9', '\u03C9', 'W\u030A', '\u1E98'];
    const address = fc
      .tuple(fc.array(fc.oneof(fc.constantFrom(...letters), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 8 }), fc.constantFrom('jm.test', 'KY.demo', '\u212Ay.demo'))
      .map(([local, domain]) => `${local.join('')}@${domain}`);
    fc.assert(
      fc.property(address, address, (a, b) => {
        const ca = canonical(a);
        const cb = canonical(b);
        if (ca !== null && ca === cb) expect(asciiLowerCase(a)).toBe(asciiLowerCase(b));
        if (ca !== null) expect(canonical(ca)).toBe(ca);
      }),
      { numRuns: 5000 },
    );
  });
});
