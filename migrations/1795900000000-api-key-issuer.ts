import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who issued an API key when it was not its own user: an agency administrator issuing keys for its
 * users. Such a key authenticates the user, but rules that name the user personally (TLP:RED's
 * named recipients and author) do not apply to it, since the administrator held it too. Keys an
 * administrator issued before this column existed are found by their `apikey.create` audit event
 * (the command line writes none): its actor is the issuer. The rest were an operator's (CLI, demo).
 */
export class ApiKeyIssuer1795900000000 implements MigrationInterface {
  name = 'ApiKeyIssuer1795900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_keys" ADD "issued_by" uuid');
    await runner.query(`UPDATE "api_keys" k SET "issued_by" = e."actor"::uuid
      FROM "audit_events" e
      WHERE e."action" = 'apikey.create' AND e."resource_id" = k."id"
        AND e."actor" ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AND e."actor" <> k."user_id"::text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_keys" DROP COLUMN "issued_by"');
  }
}
