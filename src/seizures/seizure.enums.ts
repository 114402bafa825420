export const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Tlp = (typeof TLPS)[number];

export const SEIZURE_STATUSES = ['SUBMITTED', 'VALIDATED', 'RETRACTED'] as const;
export type SeizureStatus = (typeof SEIZURE_STATUSES)[number];

export const TRANSPORT_MODES = ['SEA', 'AIR', 'ROAD', 'RAIL', 'POSTAL', 'EXPRESS_COURIER', 'INLAND_WATERWAY', 'FIXED_INSTALLATION', 'PEDESTRIAN', 'OTHER'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const COMMODITY_CATEGORIES = [
  'DRUGS', 'PRECURSORS', 'TOBACCO', 'ALCOHOL', 'FUEL', 'FIREARMS', 'FIREARM_PARTS', 'AMMUNITION', 'OTHER_WEAPONS_EXPLOSIVES',
  'CURRENCY', 'IPR', 'CITES_WILDLIFE', 'MEDICINES', 'HAZARDOUS_WASTE_ODS', 'CULTURAL_OBJECTS', 'STRATEGIC_DUAL_USE', 'OTHER',
] as const;
export type CommodityCategory = (typeof COMMODITY_CATEGORIES)[number];

export const DETECTION_METHODS = [
  'RISK_PROFILE', 'INTELLIGENCE', 'RANDOM', 'ROUTINE_CONTROL', 'NII_XRAY', 'DETECTOR_DOG', 'PHYSICAL_EXAM', 'DOCUMENT_CHECK',
  'BEHAVIOURAL', 'CONTROLLED_DELIVERY', 'PARTNER_REFERRAL', 'AI_IMAGE_ANALYSIS', 'OTHER',
] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];

export const EVALUATION_SCHEMES = ['ADMIRALTY_6X6', 'EUROPOL_4X4', 'UK_3X5X2'] as const;
export type EvaluationScheme = (typeof EVALUATION_SCHEMES)[number];

/** Units as recorded (domain.md §2.2); `KG_EQUIVALENT` converts the mass and volume ones. */
export const UNITS = ['KG', 'G', 'L', 'ML', 'PIECES', 'STICKS', 'TABLETS', 'DOSES', 'ROUNDS', 'ITEMS', 'PLANTS', 'M3', 'CURRENCY_AMOUNT'] as const;
export type Unit = (typeof UNITS)[number];
export const KG_EQUIVALENT: Partial<Record<Unit, number>> = { KG: 1, G: 0.001, L: 1, ML: 0.001, M3: 1000 };

export const SEIZURE_DIMENSIONS = ['COUNTRY', 'REPORTING_AGENCY', 'COMMODITY_CATEGORY', 'TRANSPORT_MODE', 'DETECTION_METHOD', 'MONTH', 'OPERATION'] as const;
export type SeizureDimension = (typeof SEIZURE_DIMENSIONS)[number];

/** TLP levels from least to most restrictive: "the most restrictive wins" compares these. */
export const TLP_ORDER: Record<Tlp, number> = { CLEAR: 0, GREEN: 1, AMBER: 2, AMBER_STRICT: 3, RED: 4 };

/** How a report joined an operation; only the first three are acts of its owner. */
export const OPERATION_LINK_BASES = ['SUBMITTED', 'OWNER_LINKED', 'OWNER_ACCEPTED_REQUEST', 'LEAD_LINK_UNCONFIRMED'] as const;
export type OperationLinkBasis = (typeof OPERATION_LINK_BASES)[number];
