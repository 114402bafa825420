import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which reports the change feed has shown (UPSERT) to an agency. The feed sends a REMOVE only for
 * these, so a tombstone never discloses the id of a report the agency was never shown. Rows are kept
 * after a REMOVE: the report may become visible again, and other users of the agency may still hold it.
 */
@Entity({ name: 'feed_disclosures' })
export class FeedDisclosureEntity {
  @PrimaryColumn({ name: 'agency_code', type: 'varchar', length: 32 })
  agencyCode: string;

  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @Column({ name: 'first_disclosed_at', type: 'timestamptz', default: () => 'now()' })
  firstDisclosedAt: Date;
}
