import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Names this run's template database (test-database.ts builds it when a file first needs it).
 * Unique per run: several runs may share one PostgreSQL server. Set here, in Jest's parent
 * process, so that every worker inherits it.
 */
export default function globalSetup() {
  const id = randomBytes(5).toString('hex');
  process.env.WINDWARD_TEST_TEMPLATE = process.env.DATABASE_URL
    ? `windward_template_${id}`
    : path.join(os.tmpdir(), `windward-template-${id}`);
}
