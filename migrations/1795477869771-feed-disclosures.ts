import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed's disclosure table, and an ordering guarantee for seizure_changes that the feed's
 * cursor relies on.
 *
 * A bigserial seq is allocated when a row is inserted, not when its transaction commits: writer A
 * can take seq 10, writer B seq 11 and commit first, and a reader that pages past 11 would never
 * see 10. The trigger takes the seq only under an advisory lock held until commit, so seqs become
 * visible in order and "everything after my cursor" is always complete. The lock is the audit
 * chain's (7337010, AuditService): every change is audited in the same transaction, which takes
 * it a moment later anyway, so writers serialise no more than before and there is no second lock
 * to order. (The column default's nextval, evaluated before the trigger, is simply discarded.)
 */
export class FeedDisclosures1795477869771 implements MigrationInterface {
  name = 'FeedDisclosures1795477869771';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"feed_disclosures\" (\"agency_code\" character varying(32) NOT NULL, \"seizure_id\" uuid NOT NULL, \"first_disclosed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_18edbb5b0d45a3370f9e5ffb6ea\" PRIMARY KEY (\"agency_code\", \"seizure_id\"))");
    await runner.query(`CREATE FUNCTION "seizure_changes_commit_ordered_seq"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7337010);
  NEW.seq := nextval(pg_get_serial_sequence('seizure_changes', 'seq'));
  RETURN NEW;
END
$$`);
    await runner.query('CREATE TRIGGER "seizure_changes_commit_ordered_seq" BEFORE INSERT ON "seizure_changes" FOR EACH ROW EXECUTE FUNCTION "seizure_changes_commit_ordered_seq"()');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER "seizure_changes_commit_ordered_seq" ON "seizure_changes"');
    await runner.query('DROP FUNCTION "seizure_changes_commit_ordered_seq"()');
    await runner.query("DROP TABLE \"feed_disclosures\"");
  }
}
