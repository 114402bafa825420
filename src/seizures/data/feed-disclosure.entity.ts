import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Which reports the change feed has shown (UPSERT) to a reader: the user, or the machine client's
 * own principal. The feed sends a REMOVE only for these, so a tombstone never discloses the id of a
 * report the reader was never shown. Visibility is per reader, not per agency (TLP:RED names users,
 * and an agency's users hold different roles): a report shown to one user of an agency says nothing
 * about another. Rows are kept after a REMOVE: the report may become visible again.
 */
@Entity({ name: 'feed_disclosures' })
export class FeedDisclosureEntity {
  @PrimaryColumn({ name: 'reader_id', type: 'uuid' })
  readerId: string;

  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @Column({ name: 'first_disclosed_at', type: 'timestamptz', default: () => 'now()' })
  firstDisclosedAt: Date;
}
