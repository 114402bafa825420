import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CommodityCategory, DetectionMethod, EvaluationScheme, OperationLinkBasis, SeizureStatus, Tlp, TransportMode } from '../seizure.enums.js';

/**
 * A seizure report's non-nominal facts, one row per report. The nominal (sensitive) section is
 * stored apart, encrypted (see SealedSectionEntity). Columns that access rules and filters use
 * are plain columns with indexes; GIN indexes serve the array ones.
 */
@Entity({ name: 'seizures' })
@Index('uq_seizures_agency_reference', ['reportingAgency', 'reference'], { unique: true })
@Index('idx_seizures_page', ['seizedAt', 'id'])
// Filter indexes end in the page order (seized_at, id), so a filtered page is read in index order
// and stops after `first` rows, keyset cursor included, instead of filtering the whole time index.
@Index('idx_seizures_country_seized', ['country', 'seizedAt', 'id'])
@Index('idx_seizures_commodity_seized', ['commodityCategory', 'seizedAt', 'id'])
@Index('idx_seizures_agency_seized', ['reportingAgency', 'seizedAt', 'id'])
@Index('idx_seizures_tlp', ['tlp'])
@Index('idx_seizures_operation', ['operationId'])
@Index('idx_seizures_releasable_to', { synchronize: false }) // GIN, created in the migration
@Index('idx_seizures_owner_communities', { synchronize: false }) // GIN
@Index('idx_seizures_releasable_users', { synchronize: false }) // GIN
@Index('idx_seizures_route_countries', { synchronize: false }) // GIN
@Index('idx_seizures_search', { synchronize: false }) // GIN over the full-text vector
export class SeizureEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  reference: string;

  @Column({ name: 'reporting_agency', type: 'varchar', length: 32 })
  reportingAgency: string;

  /** The owner agency's communities when reported: what TLP:GREEN reach is decided on. */
  @Column({ name: 'owner_communities', type: 'text', array: true })
  ownerCommunities: string[];

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ type: 'varchar', length: 16 })
  status: SeizureStatus;

  /** Effective TLP: the most restrictive of the declared label and the handling code's. */
  @Column({ type: 'varchar', length: 16 })
  tlp: Tlp;

  @Column({ name: 'releasable_to', type: 'text', array: true, default: () => "'{}'" })
  releasableTo: string[];

  @Column({ name: 'releasable_to_users', type: 'text', array: true, default: () => "'{}'" })
  releasableToUsers: string[];

  @Column({ name: 'seized_at', type: 'timestamptz' })
  seizedAt: Date;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ name: 'location_name', type: 'varchar', length: 200, nullable: true })
  locationName: string | null;

  @Column({ name: 'location_unlocode', type: 'char', length: 5, nullable: true })
  locationUnlocode: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude: number | null;

  @Column({ name: 'transport_mode', type: 'varchar', length: 32 })
  transportMode: TransportMode;

  @Column({ name: 'commodity_category', type: 'varchar', length: 32 })
  commodityCategory: CommodityCategory;

  @Column({ name: 'commodity_type', type: 'varchar', length: 100, nullable: true })
  commodityType: string | null;

  @Column({ name: 'commodity_description', type: 'varchar', length: 2000, nullable: true })
  commodityDescription: string | null;

  @Column({ name: 'quantity_value', type: 'double precision' })
  quantityValue: number;

  @Column({ name: 'quantity_unit', type: 'varchar', length: 16 })
  quantityUnit: string;

  /** Mass or volume normalised to kilograms (litres count as kilograms), null for counted units. */
  @Column({ name: 'quantity_kg', type: 'double precision', nullable: true })
  quantityKg: number | null;

  @Column({ name: 'value_amount', type: 'double precision', nullable: true })
  valueAmount: number | null;

  @Column({ name: 'value_currency', type: 'char', length: 3, nullable: true })
  valueCurrency: string | null;

  /** The estimated value in US dollars at the reference rates of config/exchange-rates.yaml. */
  @Column({ name: 'value_usd', type: 'double precision', nullable: true })
  valueUsd: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  concealment: string | null;

  @Column({ name: 'detection_method', type: 'varchar', length: 32 })
  detectionMethod: DetectionMethod;

  @Column({ name: 'route_origin', type: 'char', length: 2, nullable: true })
  routeOrigin: string | null;

  @Column({ name: 'route_transit', type: 'text', array: true, default: () => "'{}'" })
  routeTransit: string[];

  @Column({ name: 'route_destination', type: 'char', length: 2, nullable: true })
  routeDestination: string | null;

  /** Origin, transit and destination together, for the routeCountry filter. */
  @Column({ name: 'route_countries', type: 'text', array: true, default: () => "'{}'" })
  routeCountries: string[];

  @Column({ name: 'operation_id', type: 'uuid', nullable: true })
  operationId: string | null;

  /**
   * How the report joined its operation: always an act of its owner (OPERATION_LINK_BASES). Links
   * made by a lead before consent was required are LEAD_LINK_UNCONFIRMED, and share nothing with
   * participants (config/policies.yaml) until the owner links the report itself.
   */
  @Column({ name: 'operation_link_basis', type: 'varchar', length: 32, nullable: true })
  operationLinkBasis: OperationLinkBasis | null;

  @Column({ name: 'operation_linked_at', type: 'timestamptz', nullable: true })
  operationLinkedAt: Date | null;

  /**
   * The operation's participants when the owner linked the report: the agencies its link consents
   * to share with. An agency that joins the operation later reads the report only once the owner
   * links it again (config/policies.yaml). Null when not linked.
   */
  @Column({ name: 'operation_audience', type: 'text', array: true, nullable: true })
  operationAudience: string[] | null;

  /** The lead's link request the owner accepted (OWNER_ACCEPTED_REQUEST). */
  @Column({ name: 'operation_link_request_id', type: 'uuid', nullable: true })
  operationLinkRequestId: string | null;

  @Column({ name: 'conveyance_type', type: 'varchar', length: 50, nullable: true })
  conveyanceType: string | null;

  @Column({ name: 'conveyance_identifier', type: 'varchar', length: 100, nullable: true })
  conveyanceIdentifier: string | null;

  @Column({ name: 'evaluation_scheme', type: 'varchar', length: 16, nullable: true })
  evaluationScheme: EvaluationScheme | null;

  @Column({ name: 'evaluation_source', type: 'varchar', length: 2, nullable: true })
  evaluationSource: string | null;

  @Column({ name: 'evaluation_information', type: 'varchar', length: 2, nullable: true })
  evaluationInformation: string | null;

  /** Graded too low to feed alerts or profiles until re-graded (domain.md §4 rule 5). */
  @Column({ name: 'low_grade', type: 'boolean', default: false })
  lowGrade: boolean;

  @Column({ name: 'handling_code', type: 'varchar', length: 16, nullable: true })
  handlingCode: string | null;

  @Column({ name: 'handling_conditions', type: 'varchar', length: 2000, nullable: true })
  handlingConditions: string | null;

  @Column({ name: 'has_sensitive', type: 'boolean', default: false })
  hasSensitive: boolean;

  /** RED only: the sensitive section has no platform recipient, so the server cannot read it. */
  @Column({ name: 'server_blind', type: 'boolean', default: false })
  serverBlind: boolean;

  /** Hash of the submitted content: the same reference with the same content is the same report. */
  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash: string;

  @Column({ name: 'signer_fingerprint', type: 'varchar', length: 64, nullable: true })
  signerFingerprint: string | null;

  /** Detached OpenPGP signature over the canonical JSON of a sealed submission. */
  @Column({ name: 'signature', type: 'text', nullable: true })
  signature: string | null;

  @Column({ name: 'signed_content', type: 'text', nullable: true })
  signedContent: string | null;

  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true })
  signedAt: Date | null;

  @Column({ name: 'retraction_reason', type: 'varchar', length: 1000, nullable: true })
  retractionReason: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
