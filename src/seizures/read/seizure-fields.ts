/**
 * Field paths of a Seizure as policies name them, and only those the schema has: redactedFields
 * names what is withheld, so a path the schema does not have would tell of something that is not
 * there (a seizure-projection test holds these to the schema). Identity fields come with any visible record
 * (they are non-null in the API); the others are disclosed only as the caller's rules permit.
 */
export const SEIZURE_IDENTITY_FIELDS = [
  'id', 'reference', 'reportingAgency', 'status', 'tlp', 'seizedAt', 'country', 'transportMode', 'commodity', 'quantity',
  'detectionMethod', 'createdAt', 'updatedAt', 'version', 'lowGrade',
] as const;

export const SEIZURE_DISCLOSABLE_FIELDS = [
  'location', 'location.name', 'location.unlocode', 'location.latitude', 'location.longitude', 'estimatedValue', 'concealment',
  'route', 'operation', 'conveyance', 'conveyance.type', 'conveyance.identifier', 'evaluation', 'handling', 'signature',
  'signature.detached', 'signature.signedContent',
  'sensitive', 'sealedFor', 'releasableTo', 'releasableToUsers', 'history', 'retractionReason',
] as const;

export const SEIZURE_FIELDS: readonly string[] = [...SEIZURE_IDENTITY_FIELDS, ...SEIZURE_DISCLOSABLE_FIELDS];
