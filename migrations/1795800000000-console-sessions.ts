import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's sessions move from each API process's memory to the database, so that any replica
 * answers any browser and a restart signs no one out. Rows are keyed by a hash of the cookie and
 * hold what the session stands for sealed under a key derived from the cookie.
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
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "console_sessions"');
  }
}
