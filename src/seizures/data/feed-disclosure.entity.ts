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

  /**
   * The change-log seq at which a REMOVE was last sent for it, while it stays hidden from the reader;
   * null while shown. A reader whose cursor is past it is not told again when the report changes
   * while hidden (that would tell it that, and when); one paging again from before it is.
   */
  @Column({ name: 'removed_seq', type: 'bigint', nullable: true })
  removedSeq: string | null;
}
