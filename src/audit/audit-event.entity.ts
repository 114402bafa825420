import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One entry of the tamper-evident audit trail. `hash` covers the event's content and the previous
 * event's hash, so changing, removing or reordering any stored event breaks the chain after it.
 * An event on an agency's record also has a place in that agency's own chain (`agency*`), which
 * links only the events on its records: what its administrators and auditors are shown, so that
 * positions and links counting every agency's events never reach them.
 */
@Entity({ name: 'audit_events' })
@Index('idx_audit_events_resource', ['resourceId', 'seq'])
@Index('idx_audit_events_resource_agency', ['resourceAgency', 'seq'])
@Index('uq_audit_events_agency_seq', ['resourceAgency', 'agencySeq'], { unique: true })
@Check(
  'chk_audit_events_agency_chain',
  '(resource_agency IS NULL) = (agency_seq IS NULL) AND (agency_seq IS NULL) = (agency_prev_hash IS NULL) AND (agency_seq IS NULL) = (agency_hash IS NULL)',
)
export class AuditEventEntity {
  /** Position in the chain, gap-free: assigned under a lock, never by a sequence. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Index('uq_audit_events_id', { unique: true })
  @Column({ type: 'uuid' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The acting user's id (or `system`). */
  @Column({ type: 'varchar', length: 64 })
  actor: string;

  @Column({ name: 'actor_email', type: 'varchar', length: 254, nullable: true })
  actorEmail: string | null;

  @Column({ type: 'varchar', length: 32 })
  agency: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 32, nullable: true })
  resourceType: string | null;

  @Column({ name: 'resource_id', type: 'uuid', nullable: true })
  resourceId: string | null;

  /** The agency that owns the resource: whose administrators see this event. */
  @Column({ name: 'resource_agency', type: 'varchar', length: 32, nullable: true })
  resourceAgency: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  fields: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;

  /** Position in the resource agency's chain, gap-free from 1; null for an event on no agency's record. */
  @Column({ name: 'agency_seq', type: 'bigint', nullable: true })
  agencySeq: string | null;

  @Column({ name: 'agency_prev_hash', type: 'char', length: 64, nullable: true })
  agencyPrevHash: string | null;

  /** sha256 (hex) over agencyPrevHash and the event's content with agencySeq as its seq. */
  @Column({ name: 'agency_hash', type: 'char', length: 64, nullable: true })
  agencyHash: string | null;
}
