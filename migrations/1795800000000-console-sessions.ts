import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's sessions and OIDC sign-ins in progress move from each API process's memory to the
 * database, so that any replica answers any browser and a restart signs no one out. Rows are keyed
 * by a hash of the browser's secret (the session cookie, the sign-in's state) and hold what is kept
 * for it sealed under a key derived from that secret.
 */
export class ConsoleSessions1795800000000 implements MigrationInterface {
  name = 'ConsoleSessions1795800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "console_sessions" (
      "id_hash" character varying(64) NOT NULL,
      "user_id" uuid NOT NULL,
      "credential" bytea NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "pk_console_sessions" PRIMARY KEY ("id_hash"),
      CONSTRAINT "fk_console_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE)`);
    await runner.query('CREATE INDEX "idx_console_sessions_user" ON "console_sessions" ("user_id", "last_seen_at")');
    await runner.query('CREATE INDEX "idx_console_sessions_expires" ON "console_sessions" ("expires_at")');
    // The sweep of sessions that ended: by their absolute end, or by their idle end.
    await runner.query('CREATE INDEX "idx_console_sessions_last_seen" ON "console_sessions" ("last_seen_at")');
    await runner.query(`CREATE TABLE "console_oidc_logins" (
      "state_hash" character varying(64) NOT NULL,
      "pending" bytea NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "pk_console_oidc_logins" PRIMARY KEY ("state_hash"))`);
    await runner.query('CREATE INDEX "idx_console_oidc_logins_created" ON "console_oidc_logins" ("created_at")');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "console_oidc_logins"');
    await runner.query('DROP TABLE "console_sessions"');
  }
}
