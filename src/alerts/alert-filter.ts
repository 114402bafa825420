import { BadUserInputError } from '../errors/domain-error.js';
import type { SeizureFilter } from '../seizures/api/seizure.inputs.js';

const LIST_KEYS = ['commodityCategories', 'countries', 'reportingAgencies', 'transportModes', 'detectionMethods', 'tlps'] as const;
const TEXT_KEYS = ['routeCountry', 'operationId', 'text'] as const;
const DATE_KEYS = ['seizedFrom', 'seizedTo'] as const;

/**
 * The stored form of an alert's filter: only the criteria that were given, dates as ISO strings.
 * An alert is about reports as they arrive, so asking for retracted ones makes no sense.
 */
export function filterToJson(filter: SeizureFilter): Record<string, unknown> {
  if (filter.includeRetracted) throw new BadUserInputError('filter.includeRetracted: alerts are never about retracted reports', ['filter.includeRetracted']);
  const json: Record<string, unknown> = {};
  for (const key of LIST_KEYS) {
    const values = filter[key];
    if (values?.length) json[key] = [...new Set<string>(values)];
  }
  for (const key of TEXT_KEYS) {
    const value = filter[key]?.trim();
    if (value) json[key] = value;
  }
  for (const key of DATE_KEYS) {
    const value = filter[key];
    if (value) json[key] = value.toISOString();
  }
  return json;
}

/** The filter back from its stored form, as the search service takes it. */
export function filterFromJson(json: Record<string, unknown>): SeizureFilter {
  const filter: Record<string, unknown> = {};
  for (const key of LIST_KEYS) if (Array.isArray(json[key])) filter[key] = json[key];
  for (const key of TEXT_KEYS) if (typeof json[key] === 'string') filter[key] = json[key];
  for (const key of DATE_KEYS) if (typeof json[key] === 'string') filter[key] = new Date(json[key]);
  return filter as SeizureFilter;
}
