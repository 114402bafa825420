import currencyCodes from 'currency-codes';
import countries from 'i18n-iso-countries';
import type { ExchangeRates } from '../../config/exchange-rates.js';
import { BadUserInputError } from '../../errors/domain-error.js';
import { KG_EQUIVALENT, TLP_ORDER, UNITS, type EvaluationScheme, type Tlp, type Unit } from '../seizure.enums.js';
import type { EvaluationInput, HandlingInput, SeizureInput, SensitiveInput } from '../api/seizure.inputs.js';
import { isUuid } from '../../database/uuid.js';

/** Collects every problem with an input, so the caller learns all offending fields at once. */
export class InputProblems {
  private readonly problems: { field: string; message: string }[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const message = this.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new BadUserInputError(`Invalid input - ${message}`, [...new Set(this.problems.map((p) => p.field))]);
  }
}

export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

export function isCurrencyCode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && currencyCodes.code(code) !== undefined;
}

/** UN/LOCODE: a valid ISO country code and three letters or digits 2-9 (e.g. JMKIN, USMIA). */
export function isUnlocode(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{2}[A-Z2-9]{3}$/.test(code) && countries.isValid(code.slice(0, 2));
}

/** Valid grades per scheme, and the grades too low to feed alerts (domain.md §3 and §4 rule 5). */
const EVALUATION: Record<EvaluationScheme, { source: string[]; information: string[]; lowSource: string[]; lowInformation: string[] }> = {
  ADMIRALTY_6X6: { source: ['A', 'B', 'C', 'D', 'E', 'F'], information: ['1', '2', '3', '4', '5', '6'], lowSource: ['E', 'F'], lowInformation: ['5', '6'] },
  EUROPOL_4X4: { source: ['A', 'B', 'C', 'X'], information: ['1', '2', '3', '4'], lowSource: ['C', 'X'], lowInformation: ['4'] },
  UK_3X5X2: { source: ['1', '2', '3'], information: ['A', 'B', 'C', 'D', 'E'], lowSource: ['3'], lowInformation: ['E'] },
};

export function isLowGrade(evaluation: { scheme: EvaluationScheme; source: string; information: string } | null | undefined): boolean {
  if (!evaluation) return false;
  const scheme = EVALUATION[evaluation.scheme];
  return scheme.lowSource.includes(evaluation.source) || scheme.lowInformation.includes(evaluation.information);
}

/**
 * Handling codes and the TLP they are at least as restrictive as (domain.md §4 rule 3). Europol
 * H0-H3, UK 3x5x2 P/C and the older 5x5x5 handling codes 1-5.
 */
const HANDLING_TLP: Record<string, Tlp> = {
  H0: 'GREEN', H1: 'AMBER', H2: 'AMBER_STRICT', H3: 'AMBER',
  P: 'GREEN', C: 'AMBER',
  '1': 'GREEN', '2': 'AMBER', '3': 'AMBER', '4': 'AMBER_STRICT', '5': 'RED',
};
/** Codes whose conditions must be written out. */
const HANDLING_NEEDS_CONDITIONS = new Set(['H3', 'C']);

export function effectiveTlp(declared: Tlp, handlingCode: string | null | undefined): Tlp {
  const implied = handlingCode ? HANDLING_TLP[handlingCode] : undefined;
  return implied && TLP_ORDER[implied] > TLP_ORDER[declared] ? implied : declared;
}

/** An amount in US dollars at the reference rates (config/exchange-rates.yaml), or null for a currency without one. */
export function usdValue(rates: ExchangeRates, amount: number | null, currency: string | null): number | null {
  if (amount == null || !currency) return null;
  const perUsd = Object.hasOwn(rates.perUsd, currency) ? rates.perUsd[currency] : undefined;
  return perUsd ? Math.round((amount / perUsd) * 100) / 100 : null;
}

const text = (problems: InputProblems, field: string, value: string | null | undefined, max: number, required = false) => {
  if (value == null || value === '') {
    if (required) problems.add(field, 'is required');
    return;
  }
  if (value.trim() !== value || value.length > max) problems.add(field, `must be at most ${max} characters without surrounding spaces`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) problems.add(field, 'contains control characters');
};

const country = (problems: InputProblems, field: string, value: string | null | undefined) => {
  if (value != null && !isCountryCode(value)) problems.add(field, `"${value}" is not an ISO 3166-1 alpha-2 country code`);
};

export function checkEvaluation(problems: InputProblems, field: string, evaluation: EvaluationInput | null | undefined): void {
  if (!evaluation) return;
  const scheme = EVALUATION[evaluation.scheme];
  if (!scheme.source.includes(evaluation.source)) problems.add(`${field}.source`, `must be one of ${scheme.source.join(', ')} for ${evaluation.scheme}`);
  if (!scheme.information.includes(evaluation.information)) {
    problems.add(`${field}.information`, `must be one of ${scheme.information.join(', ')} for ${evaluation.scheme}`);
  }
}

function checkHandling(problems: InputProblems, handling: HandlingInput | null | undefined): void {
  if (!handling) return;
  if (!(handling.code in HANDLING_TLP)) problems.add('handling.code', `must be one of ${Object.keys(HANDLING_TLP).join(', ')}`);
  if (HANDLING_NEEDS_CONDITIONS.has(handling.code) && !handling.conditions) problems.add('handling.conditions', `are required with handling code ${handling.code}`);
  text(problems, 'handling.conditions', handling.conditions, 2000);
}

export function checkSensitive(problems: InputProblems, sensitive: SensitiveInput | null | undefined, field = 'sensitive'): void {
  if (!sensitive) return;
  text(problems, `${field}.narrative`, sensitive.narrative, 20000);
  if ((sensitive.persons?.length ?? 0) > 200) problems.add(`${field}.persons`, 'at most 200 persons');
  sensitive.persons?.forEach((person, i) => {
    text(problems, `${field}.persons.${i}.name`, person.name, 200, true);
    country(problems, `${field}.persons.${i}.nationality`, person.nationality);
    if (person.dateOfBirth != null && !/^\d{4}(-\d{2}-\d{2})?$/.test(person.dateOfBirth)) {
      problems.add(`${field}.persons.${i}.dateOfBirth`, 'must be YYYY-MM-DD or YYYY');
    }
    text(problems, `${field}.persons.${i}.role`, person.role, 100);
  });
  for (const key of ['companies', 'identifiers'] as const) {
    const list = sensitive[key] ?? [];
    if (list.length > 200) problems.add(`${field}.${key}`, 'at most 200 entries');
    list.forEach((item, i) => text(problems, `${field}.${key}.${i}`, item, 300, true));
  }
}

export function checkTlpDistribution(problems: InputProblems, tlp: Tlp, releasableToUsers: string[] | null | undefined, serverBlind: boolean): void {
  if (serverBlind && tlp !== 'RED') problems.add('serverBlind', 'only a RED report can be server-blind');
  if (tlp !== 'RED' && (releasableToUsers?.length ?? 0) > 0) problems.add('releasableToUsers', 'named users are for RED reports; use releasableTo for agencies');
  (releasableToUsers ?? []).forEach((id, i) => {
    if (!isUuid(id)) problems.add(`releasableToUsers.${i}`, 'is not a user id');
  });
}

/** Checks a new report field by field; throws one BAD_USER_INPUT naming every bad field. */
export function validateSeizureInput(input: SeizureInput, now = new Date()): void {
  const problems = new InputProblems();
  text(problems, 'reference', input.reference, 100, true);
  if (input.reference && !/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/.test(input.reference)) problems.add('reference', 'may contain letters, digits and . _ / : -');
  country(problems, 'country', input.country);
  if (!input.country) problems.add('country', 'is required');
  const seizedAt = input.seizedAt instanceof Date ? input.seizedAt : new Date(NaN);
  if (Number.isNaN(seizedAt.getTime())) problems.add('seizedAt', 'is not a valid date-time');
  else if (seizedAt.getTime() > now.getTime() + 5 * 60_000) problems.add('seizedAt', 'is in the future');
  else if (seizedAt.getUTCFullYear() < 1990) problems.add('seizedAt', 'is before 1990');

  if (input.location) {
    text(problems, 'location.name', input.location.name, 200, true);
    if (input.location.unlocode != null && !isUnlocode(input.location.unlocode)) problems.add('location.unlocode', `"${input.location.unlocode}" is not a UN/LOCODE (e.g. JMKIN)`);
    const { latitude, longitude } = input.location;
    if ((latitude == null) !== (longitude == null)) problems.add('location', 'latitude and longitude go together');
    if (latitude != null && !(latitude >= -90 && latitude <= 90)) problems.add('location.latitude', 'must be between -90 and 90');
    if (longitude != null && !(longitude >= -180 && longitude <= 180)) problems.add('location.longitude', 'must be between -180 and 180');
  }
  text(problems, 'commodity.type', input.commodity?.type, 100);
  text(problems, 'commodity.description', input.commodity?.description, 2000);
  if (!UNITS.includes(input.quantity?.unit as Unit)) problems.add('quantity.unit', `must be one of ${UNITS.join(', ')}`);
  if (!(input.quantity?.value > 0 && input.quantity.value < 1e12)) problems.add('quantity.value', 'must be a positive number below 1e12');
  if (input.estimatedValue) {
    if (!isCurrencyCode(input.estimatedValue.currency)) problems.add('estimatedValue.currency', `"${input.estimatedValue.currency}" is not an ISO 4217 currency code`);
    if (!(input.estimatedValue.amount >= 0 && input.estimatedValue.amount < 1e13)) problems.add('estimatedValue.amount', 'must be between 0 and 1e13');
  }
  text(problems, 'concealment', input.concealment, 500);
  if (input.route) {
    country(problems, 'route.origin', input.route.origin);
    country(problems, 'route.destination', input.route.destination);
    if ((input.route.transit?.length ?? 0) > 20) problems.add('route.transit', 'at most 20 countries');
    input.route.transit?.forEach((code, i) => country(problems, `route.transit.${i}`, code));
  }
  if (input.conveyance) {
    text(problems, 'conveyance.type', input.conveyance.type, 50);
    text(problems, 'conveyance.identifier', input.conveyance.identifier, 100);
  }
  checkEvaluation(problems, 'evaluation', input.evaluation);
  checkHandling(problems, input.handling);
  checkSensitive(problems, input.sensitive);
  checkTlpDistribution(problems, input.tlp, input.releasableToUsers, input.serverBlind);
  if (input.serverBlind && !input.sensitive) problems.add('serverBlind', 'needs a sensitive section');
  checkSensitiveDigest(problems, input.serverBlind, input.sensitiveDigest);
  if ((input.releasableTo?.length ?? 0) > 100) problems.add('releasableTo', 'at most 100 agencies');
  problems.throwIfAny();
}

/** A client's keyed digest of a server-blind section: base64, base64url or hex, 128 to 1024 bits. */
const SENSITIVE_DIGEST = /^[A-Za-z0-9+/_-]{22,172}={0,2}$/;

/**
 * Server-blind reports carry a digest of their sensitive section computed by the owner's client
 * under a key the server does not hold; it stands in for the section in the idempotency check.
 * Other reports need none (the server reads their section) and are refused one, so that nobody
 * believes it protects anything there.
 */
function checkSensitiveDigest(problems: InputProblems, serverBlind: boolean, digest: string | null | undefined): void {
  if (digest == null) {
    if (serverBlind) problems.add('sensitiveDigest', 'is required for a server-blind report: a keyed digest (e.g. HMAC-SHA-256 under a secret of your agency) of the sensitive section, computed by your client');
    return;
  }
  if (!serverBlind) problems.add('sensitiveDigest', 'is only for server-blind reports');
  else if (!SENSITIVE_DIGEST.test(digest)) problems.add('sensitiveDigest', 'must be 22 to 172 characters of base64, base64url or hex (a digest of 128 to 1024 bits)');
}

export function kgEquivalent(value: number, unit: string): number | null {
  const factor = KG_EQUIVALENT[unit as Unit];
  return factor === undefined ? null : value * factor;
}
