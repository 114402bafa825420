import type { SeizureEntity } from '../data/seizure.entity.js';
import { SEIZURE_DISCLOSABLE_FIELDS } from './seizure-fields.js';
import type {
  CommodityModel, ConveyanceModel, EvaluationModel, HandlingModel, LocationModel, MoneyModel, QuantityModel, RouteModel, SeizureModel,
} from '../api/seizure.model.js';

/** Disclosable fields with their top-level parent, split once. */
const DISCLOSABLE = SEIZURE_DISCLOSABLE_FIELDS.map((field) => [field, field.split('.')[0]] as const);

/**
 * One reader's field decisions, worked out once per permitted set. Permitted sets are shared per
 * combination of matching rules (AccessService), so a page of 50 reports has a handful of these.
 */
class Disclosure {
  readonly location: boolean;
  readonly locationName: boolean;
  readonly locationUnlocode: boolean;
  readonly locationLatitude: boolean;
  readonly locationLongitude: boolean;
  readonly estimatedValue: boolean;
  readonly concealment: boolean;
  readonly route: boolean;
  readonly operation: boolean;
  readonly conveyance: boolean;
  readonly conveyanceType: boolean;
  readonly conveyanceIdentifier: boolean;
  readonly evaluation: boolean;
  readonly handling: boolean;
  readonly releasableTo: boolean;
  readonly releasableToUsers: boolean;
  readonly retractionReason: boolean;
  readonly sensitive: boolean;
  readonly sealedFor: boolean;
  readonly signature: boolean;
  readonly signatureDetached: boolean;
  readonly signatureSignedContent: boolean;
  readonly history: boolean;
  /** Withheld fields, naming a nested field only when its parent is shown. Shared: never changed. */
  readonly redactedFields: readonly string[];

  constructor(permitted: ReadonlySet<string>) {
    const may = (field: (typeof SEIZURE_DISCLOSABLE_FIELDS)[number]) => permitted.has(field);
    this.location = may('location');
    this.locationName = may('location.name');
    this.locationUnlocode = may('location.unlocode');
    this.locationLatitude = may('location.latitude');
    this.locationLongitude = may('location.longitude');
    this.estimatedValue = may('estimatedValue');
    this.concealment = may('concealment');
    this.route = may('route');
    this.operation = may('operation');
    this.conveyance = may('conveyance');
    this.conveyanceType = may('conveyance.type');
    this.conveyanceIdentifier = may('conveyance.identifier');
    this.evaluation = may('evaluation');
    this.handling = may('handling');
    this.releasableTo = may('releasableTo');
    this.releasableToUsers = may('releasableToUsers');
    this.retractionReason = may('retractionReason');
    this.sensitive = may('sensitive');
    this.sealedFor = may('sealedFor');
    this.signature = may('signature');
    this.signatureDetached = may('signature.detached');
    this.signatureSignedContent = may('signature.signedContent');
    this.history = may('history');
    this.redactedFields = Object.freeze(
      DISCLOSABLE.filter(([field, parent]) => !permitted.has(field) && (field === parent || permitted.has(parent))).map(([field]) => field),
    );
  }
}

const disclosures = new WeakMap<ReadonlySet<string>, Disclosure>();

function disclosureOf(permitted: ReadonlySet<string>): Disclosure {
  let disclosure = disclosures.get(permitted);
  if (!disclosure) disclosures.set(permitted, (disclosure = new Disclosure(permitted)));
  return disclosure;
}

/**
 * A report as one reader sees it: what resolvers hand to GraphQL. Field disclosure is applied
 * here: anything not permitted is null (or an empty list) and named in redactedFields. Nothing
 * here decides visibility of the row.
 *
 * Every field is a getter over the entity, so a field is built only when a query asks for it: a
 * search page of 50 rows builds no location, route or evaluation objects unless they were asked
 * for. A page may carry only the columns its query asked for (SeizureProjection): fields built
 * from the others are never read, and building them must not throw.
 */
export class SeizureView implements SeizureModel {
  private readonly disclosure: Disclosure;

  constructor(
    readonly entity: SeizureEntity,
    readonly permitted: ReadonlySet<string>,
  ) {
    this.disclosure = disclosureOf(permitted);
  }

  /** The owner agency, which audit events of disclosures name. */
  get reportingAgencyCode(): string {
    return this.entity.reportingAgency;
  }

  get id(): string {
    return this.entity.id;
  }
  get reference(): string {
    return this.entity.reference;
  }
  get status(): SeizureModel['status'] {
    return this.entity.status;
  }
  get tlp(): SeizureModel['tlp'] {
    return this.entity.tlp;
  }
  get seizedAt(): Date {
    return this.entity.seizedAt;
  }
  get country(): string {
    return this.entity.country;
  }
  get location(): LocationModel | null {
    const s = this.entity;
    const may = this.disclosure;
    if (!may.location || !s.locationName) return null;
    return {
      name: may.locationName ? s.locationName : '',
      unlocode: may.locationUnlocode ? s.locationUnlocode : null,
      latitude: may.locationLatitude ? s.latitude : null,
      longitude: may.locationLongitude ? s.longitude : null,
    };
  }
  get transportMode(): SeizureModel['transportMode'] {
    return this.entity.transportMode;
  }
  get commodity(): CommodityModel {
    const s = this.entity;
    return { category: s.commodityCategory, type: s.commodityType, description: s.commodityDescription };
  }
  get quantity(): QuantityModel {
    const s = this.entity;
    return { value: s.quantityValue, unit: s.quantityUnit, kgEquivalent: s.quantityKg };
  }
  get estimatedValue(): MoneyModel | null {
    const s = this.entity;
    return this.disclosure.estimatedValue && s.valueAmount != null && s.valueCurrency ? { amount: s.valueAmount, currency: s.valueCurrency, usd: s.valueUsd } : null;
  }
  get concealment(): string | null {
    return this.disclosure.concealment ? this.entity.concealment : null;
  }
  get detectionMethod(): SeizureModel['detectionMethod'] {
    return this.entity.detectionMethod;
  }
  get route(): RouteModel | null {
    const s = this.entity;
    if (!this.disclosure.route || !(s.routeOrigin || s.routeDestination || s.routeTransit?.length)) return null;
    return { origin: s.routeOrigin, transit: s.routeTransit, destination: s.routeDestination };
  }
  get operationId(): string | null {
    return this.disclosure.operation ? this.entity.operationId : null;
  }
  get conveyance(): ConveyanceModel | null {
    const s = this.entity;
    const may = this.disclosure;
    if (!may.conveyance || !(s.conveyanceType || s.conveyanceIdentifier)) return null;
    return { type: may.conveyanceType ? s.conveyanceType : null, identifier: may.conveyanceIdentifier ? s.conveyanceIdentifier : null };
  }
  get evaluation(): EvaluationModel | null {
    const s = this.entity;
    if (!this.disclosure.evaluation || !s.evaluationScheme || !s.evaluationSource || !s.evaluationInformation) return null;
    return { scheme: s.evaluationScheme, source: s.evaluationSource, information: s.evaluationInformation };
  }
  get handling(): HandlingModel | null {
    const s = this.entity;
    return this.disclosure.handling && s.handlingCode ? { code: s.handlingCode, conditions: s.handlingConditions } : null;
  }
  get lowGrade(): boolean {
    return this.entity.lowGrade;
  }
  get releasableToUsers(): string[] {
    return this.disclosure.releasableToUsers ? this.entity.releasableToUsers : [];
  }
  get retractionReason(): string | null {
    return this.disclosure.retractionReason ? this.entity.retractionReason : null;
  }
  /** Shared by every view with the same permitted set, and frozen: read it, never change it. */
  get redactedFields(): string[] {
    return this.disclosure.redactedFields as string[];
  }
  get createdAt(): Date {
    return this.entity.createdAt;
  }
  get updatedAt(): Date {
    return this.entity.updatedAt;
  }
  get version(): number {
    return this.entity.version;
  }

  // Decisions for the fields that field resolvers fetch (SeizureViews does the fetching).

  /** The agency codes of the distribution, or none when the reader may not see it. */
  get releasableToCodes(): string[] {
    return this.disclosure.releasableTo ? this.entity.releasableTo : [];
  }

  /** Whether the sensitive section may be opened for this reader (the server holds it in clear). */
  get mayOpenSensitive(): boolean {
    const s = this.entity;
    return this.disclosure.sensitive && s.hasSensitive && !s.serverBlind;
  }

  /** Whether the sensitive section may be handed out sealed (to the reader's own agency or personal key). */
  get maySealSensitive(): boolean {
    return this.disclosure.sealedFor && this.entity.hasSensitive;
  }

  /** Whether the reader sees the report's signature at all (a sealed submission's). */
  get maySeeSignature(): boolean {
    return this.disclosure.signature && Boolean(this.entity.signerFingerprint);
  }

  /** The signed text is the whole report: only a reader shown all of it gets the detached signature. */
  get mayShowDetachedSignature(): boolean {
    return this.disclosure.signatureDetached;
  }

  /** ... and the signed text itself (read from the sensitive section, it is an audited disclosure). */
  get mayShowSignedContent(): boolean {
    return this.disclosure.signatureSignedContent;
  }

  get maySeeHistory(): boolean {
    return this.disclosure.history;
  }
}
