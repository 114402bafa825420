import { BadUserInputError } from '../errors/domain-error.js';
import { cleanText } from './operation-text.js';

/** The refusal cleanText throws, or null when it accepts. */
function refusal(value: string, max = 50): BadUserInputError | null {
  try {
    cleanText(value, 'note', max);
    return null;
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
}

describe('operation texts', () => {
  it('trims, makes line breaks line feeds, and keeps tabs', () => {
    expect(cleanText('  first line\r\nsecond\rthird\n\tindented  ', 'note', 100)).toBe('first line\nsecond\nthird\n\tindented');
  });

  it('gives null for nothing, an empty or a blank text', () => {
    expect(cleanText(undefined, 'note', 10)).toBeNull();
    expect(cleanText(null, 'note', 10)).toBeNull();
    expect(cleanText(' \r\n\t ', 'note', 10)).toBeNull();
  });

  it('refuses a text longer than its bound once trimmed', () => {
    expect(cleanText(`  ${'x'.repeat(10)}  `, 'note', 10)).toBe('x'.repeat(10));
    expect(refusal('x'.repeat(11), 10)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'note: at most 10 characters', details: { fields: ['note'] } });
  });

  it('refuses every other C0 control character and DEL within the text, and never keeps one at its ends', () => {
    const controls = [...Array.from({ length: 0x20 }, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d), 0x7f];
    for (const code of controls) {
      const control = String.fromCharCode(code);
      expect(refusal(`a${control}b`)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'note: control characters are not allowed', details: { fields: ['note'] } });
      // Vertical tab and form feed are white space to trim(): trimmed away, else refused.
      for (const text of [`${control}ab`, `ab${control}`]) {
        if (refusal(text)) continue;
        expect(['\v', '\f']).toContain(control);
        expect(cleanText(text, 'note', 50)).toBe('ab');
      }
    }
  });

  it('accepts text in any script, with punctuation and emoji', () => {
    expect(cleanText('Contrôle à Kingston — « accord » 👍', 'note', 100)).toBe('Contrôle à Kingston — « accord » 👍');
  });
});
