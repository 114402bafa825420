/**
 * How an email address names a Windward user. Two addresses are the same user only when they are
 * equal after lower-casing the ASCII letters A-Z, nothing more: full Unicode case folding would
 * merge addresses an identity provider keeps apart (the Kelvin sign U+212A folds to "k", the long
 * s U+017F to "s", the dotted capital I U+0130 to "i̇"), and so let one person's token sign in as
 * another.
 *
 * Addresses are compared in NFC. One that NFC normalisation would change is refused rather than
 * normalised: NFC itself maps the Kelvin sign to "K" and the Angstrom sign to "Å", and whether the
 * mail system treats the two spellings as one mailbox is not ours to guess. So is an address with
 * a non-ASCII character that any case mapping changes. What remains maps one-to-one, ASCII case
 * aside, so two addresses the identity provider tells apart never name one user.
 */
export type EmailIdentity = { ok: true; address: string } | { ok: false; reason: string };

const MAX_LENGTH = 254;

/** A-Z to a-z; every other character untouched. */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));
}

/** True for a non-ASCII character that lower-casing, upper-casing or their round trip would change. */
function foldsUnderCaseMapping(char: string): boolean {
  if (char.charCodeAt(0) < 0x80) return false;
  return char.toLowerCase() !== char || char.toUpperCase().toLowerCase() !== char;
}

/**
 * The canonical form of an address (ASCII lower-case), or why it cannot name a user: not a
 * string, not in NFC, no single "@" with text on both sides, whitespace or control characters,
 * too long, or a non-ASCII character that case mapping changes.
 */
export function canonicalEmail(value: unknown): EmailIdentity {
  if (typeof value !== 'string') return { ok: false, reason: 'not a string' };
  const normalised = value.normalize('NFC');
  if (normalised !== value) return { ok: false, reason: 'is not in Unicode normal form C (NFC)' };
  if (normalised.length === 0 || normalised.length > MAX_LENGTH) return { ok: false, reason: `must be 1 to ${MAX_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u.test(normalised)) {
    return { ok: false, reason: 'contains whitespace, control or invisible characters' };
  }
  const at = normalised.indexOf('@');
  if (at <= 0 || at !== normalised.lastIndexOf('@') || at === normalised.length - 1) return { ok: false, reason: 'needs one "@" with text on both sides' };
  for (const char of normalised) {
    if (foldsUnderCaseMapping(char)) return { ok: false, reason: `contains ${JSON.stringify(char)} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which case mapping changes` };
  }
  const address = asciiLowerCase(normalised);
  // A capital with a combining mark can have a precomposed lower-case form only ("W\u030A" lower-cases
  // to "w\u030A", which NFC composes to U+1E98): such an address would have no canonical form in NFC.
  if (address.normalize('NFC') !== address) return { ok: false, reason: 'lower-casing takes it out of Unicode normal form C (NFC)' };
  return { ok: true, address };
}
