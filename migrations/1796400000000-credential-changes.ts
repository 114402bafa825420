import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification on `windward_credential_changes` whenever a committed change can alter who a key
 * or a console session stands for: a key revoked, expired early or moved; a user's status, roles or
 * agency; an agency; an operation's status or participants (its participants' open operations).
 * Statement triggers: one notification per statement, and PostgreSQL folds repeats within a
 * transaction into one, sent at commit and only if it commits. Nothing listens on the embedded
 * database, where a notification without listeners costs nothing.
 *
 * The channel is the one auth/credential-cache.ts listens on. Fired by the database rather than by the services that make the changes, so that a change made
 * by another process, by the command line or by hand in psql reaches every cache too.
 */
export class CredentialChanges1796400000000 implements MigrationInterface {
  name = 'CredentialChanges1796400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE FUNCTION "credential_changes_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify('windward_credential_changes', TG_TABLE_NAME); RETURN NULL; END $$`,
    );
    for (const [table, events] of TRIGGERS) {
      await runner.query(`CREATE TRIGGER "${table}_credential_changes" AFTER ${events} ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "credential_changes_notify"()`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [table] of TRIGGERS) await runner.query(`DROP TRIGGER "${table}_credential_changes" ON "${table}"`);
    await runner.query('DROP FUNCTION "credential_changes_notify"()');
  }
}

// A new row changes no cached credential (a key is cached only once it was found), except an
// operation, which a participant's open operations gain. `last_used_at` is written as keys are used
// and changes nothing, so api_keys names its columns.
const TRIGGERS: [table: string, events: string][] = [
  ['api_keys', 'UPDATE OF "user_id", "secret_hash", "expires_at", "revoked_at", "issued_by" OR DELETE OR TRUNCATE'],
  ['users', 'UPDATE OR DELETE OR TRUNCATE'],
  ['agencies', 'UPDATE OR DELETE OR TRUNCATE'],
  ['operations', 'INSERT OR UPDATE OF "status", "participants" OR DELETE OR TRUNCATE'],
];
