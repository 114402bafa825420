import { z } from 'zod';

/** Reference rates from config/exchange-rates.yaml: units of each currency per one US dollar. */
export interface ExchangeRates {
  perUsd: Readonly<Record<string, number>>;
}

/** Where the validated exchange rates are injected (built at boot by loadConfig). */
export const EXCHANGE_RATES = Symbol('EXCHANGE_RATES');

const ratesSchema = z.object({
  asOf: z.union([z.string(), z.date()]).optional(),
  perUsd: z.record(z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code'), z.number().positive()),
});

/** Checks a parsed exchange-rates.yaml; a mistake throws an Error naming `file` and the entry. */
export function parseExchangeRates(document: unknown, file: string): ExchangeRates {
  const parsed = ratesSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.')} ${issue.message}`);
  }
  return { perUsd: Object.freeze({ ...parsed.data.perUsd }) };
}
