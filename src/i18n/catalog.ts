import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import countries from 'i18n-iso-countries';

/**
 * Message catalogs: `locales/<language>.json` at the top of the project, flat keys to strings
 * with `{name}` placeholders. The web console reads the same files, so a term is translated once.
 */

export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const NUMBER_LOCALES: Record<Language, string> = { en: 'en-GB', es: 'es-ES', fr: 'fr-FR' };
const require = createRequire(import.meta.url);

/** The nearest `<name>` folder above this file (src or dist), as for config/. */
export function productDirectory(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, name)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, name);
}

const catalogs = new Map<Language, Record<string, string>>();
let countriesRegistered = false;

export function catalog(language: Language): Record<string, string> {
  let messages = catalogs.get(language);
  if (!messages) {
    messages = JSON.parse(readFileSync(path.join(productDirectory('locales'), `${language}.json`), 'utf8')) as Record<string, string>;
    catalogs.set(language, messages);
  }
  return messages;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Computed text in one language: messages, numbers, dates and country names. */
export class Translator {
  private readonly messages: Record<string, string>;
  private readonly fallback: Record<string, string>;

  constructor(readonly language: Language) {
    this.messages = catalog(language);
    this.fallback = catalog('en');
    if (!countriesRegistered) {
      for (const lang of LANGUAGES) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as Parameters<typeof countries.registerLocale>[0]);
      countriesRegistered = true;
    }
  }

  /** The message for `key` with its placeholders filled; an unknown key is a programming error. */
  t(key: string, params: Record<string, string | number> = {}): string {
    const template = this.messages[key] ?? this.fallback[key];
    if (template === undefined) throw new Error(`No message "${key}" in the catalogs`);
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }

  /** The word for a code of a list (commodity, transport, detection, concealment, unit), else the code. */
  word(list: string, code: string): string {
    return this.messages[`${list}.${code}`] ?? this.fallback[`${list}.${code}`] ?? code;
  }

  has(key: string): boolean {
    return key in this.messages || key in this.fallback;
  }

  number(value: number, fractionDigits?: number): string {
    return value.toLocaleString(NUMBER_LOCALES[this.language], fractionDigits === undefined
      ? { maximumFractionDigits: 6 }
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
  }

  /** An ISO date (YYYY-MM-DD) as the language writes it, with the month in words. */
  date(iso: string): string {
    const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
    return date.toLocaleDateString(NUMBER_LOCALES[this.language], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }

  /** A day and month only ("21 Jul"), for chart axes. */
  shortDate(iso: string): string {
    const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
    return date.toLocaleDateString(NUMBER_LOCALES[this.language], { day: 'numeric', month: 'short', timeZone: 'UTC' });
  }

  /** The country's name in this language (ISO 3166-1 alpha-2), else the code as given. */
  country(code: string): string {
    return countries.getName(code, this.language, { select: 'alias' }) ?? code;
  }
}

const translators = new Map<Language, Translator>();
export function translator(language: Language): Translator {
  let found = translators.get(language);
  if (!found) {
    found = new Translator(language);
    translators.set(language, found);
  }
  return found;
}
