import { JsonLogger } from '../observability/json-logger.js';

/** CLI output is for people and scripts: logs go to stderr, and only warnings and errors. */
export function commandLogger(): JsonLogger {
  return new JsonLogger('warn', (line) => process.stderr.write(line), false);
}
