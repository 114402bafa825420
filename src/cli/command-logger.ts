import { JsonLogger } from '../observability/json-logger.js';

/*
 * CLI output is for people and scripts: logs go to stderr, and only warnings and errors. A command
 * that fails prints one line (fail.ts), so the warnings of its work are held until it has done that
 * work, then printed after its result; when it fails they are dropped with the rest of its output.
 */

const held: string[] = [];

/** The logger of a command's work (the platform's services): its lines wait for `printHeldWarnings`. */
export function commandLogger(): JsonLogger {
  return new JsonLogger('warn', (line) => void held.push(line), false);
}

/** The logger of what a person waits for while it lasts (another process holding DATA_DIR): printed at once. */
export function commandProgressLogger(): JsonLogger {
  return new JsonLogger('warn', (line) => process.stderr.write(line), false);
}

/** The command has done its work: the warnings it held go to stderr. */
export function printHeldWarnings(): void {
  for (const line of held.splice(0)) process.stderr.write(line);
}
