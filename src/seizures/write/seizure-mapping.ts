import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto/canonical-json.js';
import type { SeizureInput, SensitiveInput } from '../api/seizure.inputs.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
import type { Tlp } from '../seizure.enums.js';
import type { SensitiveSection } from './sealed-section.service.js';
import { effectiveTlp, isLowGrade, kgEquivalent } from './seizure-validation.js';

/*
 * Pure mapping of a submission to what is stored: the seizure's columns, its sensitive section and
 * the content hash that makes a replayed submission idempotent. No database, no clock of its own.
 */

/** A sealed submission's verified signature, recorded with the report so it can be re-verified. */
export interface SubmissionSignature {
  signerFingerprint: string;
  detachedSignature: string;
  canonical: string;
  signedAt: Date | null;
}

/** What the columns need beyond the input: who submits, the owner's communities, values looked up elsewhere. */
export interface SubmissionFacts {
  owner: string;
  ownerCommunities: string[];
  createdBy: string;
  contentHash: string;
  /** The estimated value in USD (from the configured exchange rates), or null. */
  valueUsd: number | null;
  /** Agencies the report is released to, already checked and normalised. */
  releasableTo: string[];
  /** Named users of a RED report, already checked. */
  releasableToUsers: string[];
  /** The operation's participants when the report names one (its link consents to share with them). */
  operationAudience?: string[] | null;
  signature?: SubmissionSignature;
  now: Date;
}

export function toSection(input: SensitiveInput): SensitiveSection {
  return {
    narrative: input.narrative ?? null,
    persons: (input.persons ?? []).map((p) => ({ name: p.name, nationality: p.nationality ?? null, dateOfBirth: p.dateOfBirth ?? null, role: p.role ?? null })),
    companies: input.companies ?? [],
    identifiers: input.identifiers ?? [],
  };
}

/**
 * The content a reference stands for: the same content again is the same report. For a
 * server-blind report the sensitive section is left out and the client's keyed digest of it
 * stands in: a hash over the section would let anyone reading the database test guesses of a
 * name or narrative offline.
 */
export function contentHash(input: SeizureInput): string {
  const { sensitive, sensitiveDigest, ...facts } = input;
  const content = input.serverBlind
    ? { ...facts, seizedAt: input.seizedAt.toISOString(), serverBlindSection: sensitiveDigest }
    : { ...facts, sensitive, seizedAt: input.seizedAt.toISOString() };
  const plain = JSON.parse(JSON.stringify(content));
  return createHash('sha256').update(canonicalJson(plain)).digest('hex');
}

/** Every country the route passes through, once each. */
export function routeCountries(route: SeizureInput['route']): string[] {
  return [...new Set([route?.origin, ...(route?.transit ?? []), route?.destination].filter((c): c is string => Boolean(c)))];
}

/** The columns of a new report (version 1, SUBMITTED) from a validated input. */
export function newSeizureColumns(input: SeizureInput, facts: SubmissionFacts): Partial<SeizureEntity> {
  const tlp: Tlp = effectiveTlp(input.tlp, input.handling?.code);
  const route = input.route;
  const signature = facts.signature;
  return {
    reference: input.reference,
    reportingAgency: facts.owner,
    ownerCommunities: facts.ownerCommunities,
    createdBy: facts.createdBy,
    status: 'SUBMITTED',
    tlp,
    releasableTo: facts.releasableTo,
    releasableToUsers: tlp === 'RED' ? [...new Set([...facts.releasableToUsers, facts.createdBy])] : [],
    seizedAt: input.seizedAt,
    country: input.country,
    locationName: input.location?.name ?? null,
    locationUnlocode: input.location?.unlocode ?? null,
    latitude: input.location?.latitude ?? null,
    longitude: input.location?.longitude ?? null,
    transportMode: input.transportMode,
    commodityCategory: input.commodity.category,
    commodityType: input.commodity.type ?? null,
    commodityDescription: input.commodity.description ?? null,
    quantityValue: input.quantity.value,
    quantityUnit: input.quantity.unit,
    quantityKg: kgEquivalent(input.quantity.value, input.quantity.unit),
    valueAmount: input.estimatedValue?.amount ?? null,
    valueCurrency: input.estimatedValue?.currency ?? null,
    valueUsd: facts.valueUsd,
    concealment: input.concealment ?? null,
    detectionMethod: input.detectionMethod,
    routeOrigin: route?.origin ?? null,
    routeTransit: route?.transit ?? [],
    routeDestination: route?.destination ?? null,
    routeCountries: routeCountries(route),
    operationId: input.operationId ?? null,
    operationLinkBasis: input.operationId ? 'SUBMITTED' : null,
    operationLinkedAt: input.operationId ? facts.now : null,
    operationAudience: input.operationId ? (facts.operationAudience ?? null) : null,
    conveyanceType: input.conveyance?.type ?? null,
    conveyanceIdentifier: input.conveyance?.identifier ?? null,
    evaluationScheme: input.evaluation?.scheme ?? null,
    evaluationSource: input.evaluation?.source ?? null,
    evaluationInformation: input.evaluation?.information ?? null,
    lowGrade: isLowGrade(input.evaluation),
    handlingCode: input.handling?.code ?? null,
    handlingConditions: input.handling?.conditions ?? null,
    hasSensitive: Boolean(input.sensitive),
    serverBlind: input.serverBlind,
    contentHash: facts.contentHash,
    signerFingerprint: signature?.signerFingerprint ?? null,
    signature: signature?.detachedSignature ?? null,
    // With a sensitive section, the signed text (which contains it) is stored encrypted in the section.
    signedContent: signature && !input.sensitive ? signature.canonical : null,
    signedAt: signature?.signedAt ?? null,
    version: 1,
  };
}

/** The agencies named in a release, normalised: trimmed, upper-case, once each, without the owner. */
export function normalisedAgencyCodes(codes: readonly string[], owner: string): string[] {
  return [...new Set(codes.map((c) => c.trim().toUpperCase()))].filter((c) => c !== owner);
}
