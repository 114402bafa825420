import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Random keys the platform makes for itself, one per purpose, sealed under the platform key
 * passphrase. The first seals the change feed's cursors, so that a cursor no longer tells its reader
 * the change log's position.
 */
export class PlatformSecrets1796000000000 implements MigrationInterface {
  name = 'PlatformSecrets1796000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query("CREATE TABLE \"platform_secrets\" (\"purpose\" character varying(64) NOT NULL, \"sealed\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_49f9acad86a767ef00cb5ff477a\" PRIMARY KEY (\"purpose\"))");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "platform_secrets"');
  }
}
