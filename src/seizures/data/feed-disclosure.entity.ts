import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which reports the change feed has shown (UPSERT) to a reader: the user, or the machine client's
 * own principal. The feed sends a REMOVE only for these, so a tombstone never discloses the id of a
 * report the reader was never shown. Visibility is per reader, not per agency (TLP:RED names users,
 * and an agency's users hold different roles): a report shown to one user of an agency says nothing
 * about another. Rows are kept after a REMOVE: the report may become visible again.
 */
@Entity({ name: 'feed_disclosures' })
/** A reader's sent REMOVEs by where they were sent: a feed page reads those in its stretch of the log. */
@Index('idx_feed_disclosures_removed', ['readerId', 'lastSeq'], { where: "last_kind = 'REMOVE'" })
export class FeedDisclosureEntity {
  @PrimaryColumn({ name: 'reader_id', type: 'uuid' })
  readerId: string;

  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @Column({ name: 'first_disclosed_at', type: 'timestamptz', default: () => 'now()' })
  firstDisclosedAt: Date;

  /**
   * The change last sent to this reader about the report (seq) and how (UPSERT or REMOVE); written
   * only forwards, so a slow request cannot overwrite a later one's. While the report stays hidden,
   * its REMOVE stays at `lastSeq`: later changes bring the reader no other, and a reader paging
   * again from before it is sent it again. Null for rows written before this was kept.
   */
  @Column({ name: 'last_seq', type: 'bigint', nullable: true })
  lastSeq: string | null;

  @Column({ name: 'last_kind', type: 'varchar', length: 6, nullable: true })
  lastKind: 'UPSERT' | 'REMOVE' | null;
}
