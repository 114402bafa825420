import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { es } from './es';
import { codeLabel } from '../lib/codes';
import { fr } from './fr';

export const LOCALES = { en, es, fr } as const;
export type Locale = keyof typeof LOCALES;

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** The message in the current language; `{name}` placeholders are filled from params. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A code from a code list (commodity, mode, method, status) in the current language. */
  code(value: string | null | undefined): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(value: number | null | undefined, digits?: number): string;
}

const Context = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = localStorage.getItem('windward.locale');
  if (saved && saved in LOCALES) return saved as Locale;
  const browser = navigator.language.slice(0, 2);
  return browser in LOCALES ? (browser as Locale) : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const value = useMemo<I18n>(() => {
    const messages = LOCALES[locale];
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    document.documentElement.lang = locale;
    return {
      locale,
      setLocale(next) {
        // Only the language choice is kept in the browser, never a credential.
        localStorage.setItem('windward.locale', next);
        setLocaleState(next);
      },
      t(key, params) {
        const text = messages[key] ?? en[key] ?? key;
        return params ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? '')) : text;
      },
      code: (code) => {
        if (!code) return '';
        const key = `code.${code}` as MessageKey;
        return messages[key] ?? en[key] ?? codeLabel(code);
      },
      date: (iso) => (iso ? dateFormat.format(new Date(iso)) : ''),
      dateTime: (iso) => (iso ? `${dateTimeFormat.format(new Date(iso))} UTC` : ''),
      number: (value, digits = 0) => (value == null ? '' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)),
    };
  }, [locale]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
