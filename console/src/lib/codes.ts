import type { CommodityCategory, DetectionMethod, KeyRevocationReason, OperationStatus, Tlp, TransportMode } from '../gql/graphql';

/**
 * The code lists offered as choices. Each list must name every value of its schema enum: a value
 * added to or removed from schema.graphql fails the type check here until the list follows.
 */
type Exhaustive<T, L extends readonly T[]> = [T] extends [L[number]] ? L : { missing: Exclude<T, L[number]> };
const all = <T,>() => <const L extends readonly T[]>(list: L & Exhaustive<T, L>): L => list;

export const TLPS = all<Tlp>()(['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED']);
export const COMMODITIES = all<CommodityCategory>()([
  'DRUGS', 'PRECURSORS', 'TOBACCO', 'ALCOHOL', 'CURRENCY', 'FIREARMS', 'FIREARM_PARTS', 'AMMUNITION', 'OTHER_WEAPONS_EXPLOSIVES',
  'CITES_WILDLIFE', 'CULTURAL_OBJECTS', 'IPR', 'MEDICINES', 'FUEL', 'HAZARDOUS_WASTE_ODS', 'STRATEGIC_DUAL_USE', 'OTHER',
]);
export const TRANSPORT_MODES = all<TransportMode>()(['SEA', 'AIR', 'ROAD', 'RAIL', 'POSTAL', 'EXPRESS_COURIER', 'PEDESTRIAN', 'INLAND_WATERWAY', 'FIXED_INSTALLATION', 'OTHER']);
export const DETECTION_METHODS = all<DetectionMethod>()([
  'RISK_PROFILE', 'INTELLIGENCE', 'NII_XRAY', 'DETECTOR_DOG', 'PHYSICAL_EXAM', 'DOCUMENT_CHECK', 'ROUTINE_CONTROL', 'RANDOM',
  'BEHAVIOURAL', 'CONTROLLED_DELIVERY', 'PARTNER_REFERRAL', 'AI_IMAGE_ANALYSIS', 'OTHER',
]);
export const OPERATION_STATUSES = all<OperationStatus>()(['PLANNING', 'ACTIVE', 'FOLLOW_UP', 'CLOSED']);
export const REVOCATION_REASONS = all<KeyRevocationReason>()(['SUPERSEDED', 'RETIRED', 'COMPROMISED']);
/** The server's quantity units (QuantityInput.unit is a String, so this list is the server's, not the schema's). */
export const UNITS = ['KG', 'G', 'L', 'ML', 'PIECES', 'STICKS', 'TABLETS', 'DOSES', 'ROUNDS', 'ITEMS', 'PLANTS', 'M3', 'CURRENCY_AMOUNT'] as const;

/** Code → readable label: enum values become words ("NII_XRAY" → "Nii xray") unless the catalog has one. */
export function codeLabel(code: string): string {
  const words = code.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const countryNames = new Map<string, Intl.DisplayNames>();

/** A country's name in the reader's language (Intl), with its ISO code. */
export function countryName(code: string | null | undefined, locale: string): string {
  if (!code) return '';
  let names = countryNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region' });
    countryNames.set(locale, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
