import { DomainError } from '../errors/domain-error.js';

/**
 * A message as one line of plain text: control characters that came from the input (a newline in
 * an option's value, a terminal escape) are shown escaped, never acted on.
 */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let failing = false;
/** The exit code of a failure that is not a configuration or usage mistake. */
let failureExitCode = 1;

/**
 * For a command whose exit 1 is an answer (`audit verify`: the chain is broken): its failures to
 * get an answer exit with `code` instead, so that a script never takes one for the other.
 */
export function failuresExitWith(code: number): void {
  failureExitCode = code;
}

/**
 * One line on stderr, no stack trace; exit 1 (2 for a bad configuration or usage; see
 * `failuresExitWith`). Only the first
 * failure is reported: losing the embedded database's host is reported as it happens, and the
 * broken query it causes may arrive here a moment later.
 */
export async function fail(error: unknown): Promise<never> {
  if (failing) return new Promise<never>(() => undefined); // the first report ends the process
  failing = true;
  // Loaded only now: the configuration brings zod and YAML, which the light commands do without.
  const { ConfigError } = await import('../config/app-config.js');
  if (error instanceof ConfigError) {
    process.stderr.write(`windward: ${oneLine(error.message)}\n`);
    process.exit(2);
  }
  if (error instanceof DomainError) {
    process.stderr.write(`windward: ${oneLine(error.message)} (${error.code})\n`);
    process.exit(failureExitCode);
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const { commandLogger } = await import('./command-logger.js');
  commandLogger().event('debug', 'command failed', { error: message });
  process.stderr.write(`windward: ${oneLine(message)}\n`);
  process.exit(failureExitCode);
}
