import { BadUserInputError } from '../errors/domain-error.js';

/**
 * The operations feature's free texts (a report's summary and assessment, a reviewer's comment, a
 * link request's note and its answer's): line breaks as `\n`, trimmed, null when empty, at most
 * `max` characters. Control characters other than line feeds and tabs are refused: they have no
 * place in text that is shown to other agencies and rendered into reports. The GraphQL edge
 * refuses them too; this holds for every other caller of the services.
 */
export function cleanText(value: string | null | undefined, field: string, max: number): string | null {
  if (value == null) return null;
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (text === '') return null;
  if (text.length > max) throw new BadUserInputError(`${field}: at most ${max} characters`, [field]);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw new BadUserInputError(`${field}: control characters are not allowed`, [field]);
  return text;
}
