import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who issued an API key when it was not its own user: an agency administrator issuing keys for its
 * users. Such a key authenticates the user, but rules that name the user personally (TLP:RED's
 * named recipients and author) do not apply to it, since the administrator held it too. Keys made
 * before this column existed keep NULL: they were the user's own or an operator's (CLI, demo).
 */
export class ApiKeyIssuer1795900000000 implements MigrationInterface {
  name = 'ApiKeyIssuer1795900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_keys" ADD "issued_by" uuid');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE "api_keys" DROP COLUMN "issued_by"');
  }
}
