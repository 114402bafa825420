import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** WITHDRAWN: still pending when its operation closed. */
export const LINK_REQUEST_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const;
export type LinkRequestStatus = (typeof LINK_REQUEST_STATUSES)[number];

/**
 * A lead's request that another agency link one of its reports to the lead's operation. Linking
 * shares the report's facts with every participant, so only the owner decides: its ELOs and
 * administrators accept or decline, and an accepted request is the consent shown on the link.
 */
@Entity({ name: 'seizure_link_requests' })
@Index('idx_link_requests_owner_status', ['ownerAgency', 'status'])
@Index('idx_link_requests_requesting', ['requestingAgency', 'createdAt'])
// One open request per operation and report (partial unique index, created in the migration).
@Index('uq_link_requests_pending', { synchronize: false })
export class SeizureLinkRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId: string;

  @Column({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  /** The report's owner: whose ELOs and administrators decide. */
  @Column({ name: 'owner_agency', type: 'varchar', length: 32 })
  ownerAgency: string;

  /** The operation's lead agency, which asked. */
  @Column({ name: 'requesting_agency', type: 'varchar', length: 32 })
  requestingAgency: string;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  /** Why the lead asks (optional). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  /** The owner's word with its answer (optional). */
  @Column({ name: 'response_note', type: 'varchar', length: 1000, nullable: true })
  responseNote: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: LinkRequestStatus;

  @Column({ name: 'responded_by', type: 'uuid', nullable: true })
  respondedBy: string | null;

  @Column({ name: 'responded_at', type: 'timestamptz', nullable: true })
  respondedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
