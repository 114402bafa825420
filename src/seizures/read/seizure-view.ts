import type { SeizureEntity } from '../data/seizure.entity.js';
import { SEIZURE_DISCLOSABLE_FIELDS } from './seizure-fields.js';
import type { SeizureModel } from '../api/seizure.model.js';

/** What resolvers hand to GraphQL: the reader's redacted model, plus what field resolvers need. */
export type SeizureView = SeizureModel & {
  readonly entity: SeizureEntity;
  readonly permitted: ReadonlySet<string>;
  readonly reportingAgencyCode: string;
};

/**
 * Applies field disclosure to one record for one reader: anything not permitted becomes null
 * (or an empty list) and is named in redactedFields. Nothing here decides visibility of the row.
 * A page may carry only the columns its query asked for (SeizureProjection): fields built from
 * the others are never read, and building them must not throw.
 */
export function presentSeizure(entity: SeizureEntity, permitted: ReadonlySet<string>): SeizureView {
  const may = (field: string) => permitted.has(field);
  const redactedFields = redactedFieldsOf(permitted);
  const s = entity;
  return {
    entity,
    permitted,
    reportingAgencyCode: s.reportingAgency,
    id: s.id,
    reference: s.reference,
    status: s.status,
    tlp: s.tlp,
    seizedAt: s.seizedAt,
    country: s.country,
    location:
      may('location') && s.locationName
        ? {
            name: may('location.name') ? s.locationName : '',
            unlocode: may('location.unlocode') ? s.locationUnlocode : null,
            latitude: may('location.latitude') ? s.latitude : null,
            longitude: may('location.longitude') ? s.longitude : null,
          }
        : null,
    transportMode: s.transportMode,
    commodity: { category: s.commodityCategory, type: s.commodityType, description: s.commodityDescription },
    quantity: { value: s.quantityValue, unit: s.quantityUnit, kgEquivalent: s.quantityKg },
    estimatedValue: may('estimatedValue') && s.valueAmount != null && s.valueCurrency ? { amount: s.valueAmount, currency: s.valueCurrency, usd: s.valueUsd } : null,
    concealment: may('concealment') ? s.concealment : null,
    detectionMethod: s.detectionMethod,
    route: may('route') && (s.routeOrigin || s.routeDestination || s.routeTransit?.length) ? { origin: s.routeOrigin, transit: s.routeTransit, destination: s.routeDestination } : null,
    operationId: may('operation') ? s.operationId : null,
    conveyance:
      may('conveyance') && (s.conveyanceType || s.conveyanceIdentifier)
        ? { type: may('conveyance.type') ? s.conveyanceType : null, identifier: may('conveyance.identifier') ? s.conveyanceIdentifier : null }
        : null,
    evaluation: may('evaluation') && s.evaluationScheme && s.evaluationSource && s.evaluationInformation ? { scheme: s.evaluationScheme, source: s.evaluationSource, information: s.evaluationInformation } : null,
    handling: may('handling') && s.handlingCode ? { code: s.handlingCode, conditions: s.handlingConditions } : null,
    lowGrade: s.lowGrade,
    releasableToUsers: may('releasableToUsers') ? s.releasableToUsers : [],
    retractionReason: may('retractionReason') ? s.retractionReason : null,
    redactedFields,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    version: s.version,
  };
}

/** Disclosable fields with their top-level parent, split once. */
const DISCLOSABLE = SEIZURE_DISCLOSABLE_FIELDS.map((field) => [field, field.split('.')[0]] as const);
/** Permitted sets are shared per rule combination (AccessService), so their redactions are too. */
const redactions = new WeakMap<ReadonlySet<string>, string[]>();

/** Withheld fields, naming a nested field only when its parent is shown. */
function redactedFieldsOf(permitted: ReadonlySet<string>): string[] {
  let fields = redactions.get(permitted);
  if (!fields) {
    fields = DISCLOSABLE.filter(([field, parent]) => !permitted.has(field) && (field === parent || permitted.has(parent))).map(([field]) => field);
    redactions.set(permitted, fields);
  }
  return [...fields];
}
