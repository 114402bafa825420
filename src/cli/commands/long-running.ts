import { ConfigError } from '../../config/app-config.js';
import { JsonLogger } from '../../observability/json-logger.js';

/*
 * What the long-running commands (serve, worker) share: their output is a log, they report a failed
 * start in one line, and they stop gracefully on a signal.
 */

/**
 * Every line on stdout and stderr is one JSON object. Node's own warnings and anything thrown
 * outside a request become such lines too (an uncaught error still ends the process, exit 1).
 */
export function jsonProcessOutput(logger: JsonLogger): void {
  process.removeAllListeners('warning'); // Node's default listener prints plain text
  process.on('warning', (warning) => logger.event('warn', 'node warning', { name: warning.name, warning: warning.message }));
  const fatal = (kind: string) => (error: unknown) => {
    logger.event('error', kind, { reason: error instanceof Error ? error.message.split('\n')[0] : String(error), stack: error instanceof Error ? error.stack : undefined });
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}

/** The one line a serve or worker that cannot start writes, as JSON on stderr; exit 2 for configuration, else 1. */
export function failStart(error: unknown): never {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  new JsonLogger('error', (line) => process.stderr.write(line), false).event('error', 'windward could not start', { reason });
  process.exit(error instanceof ConfigError ? 2 : 1);
}

/**
 * Stops on SIGTERM/SIGINT after in-flight requests and jobs finish, or after `timeoutMs` if they do
 * not (SHUTDOWN_TIMEOUT_MS); a second signal stops at once.
 */
export function closeOnSignal(logger: JsonLogger, close: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.event('info', 'stopping: finishing in-flight requests and jobs', { signal });
    setTimeout(() => {
      logger.event('error', 'shutdown took too long; stopping now', { timeoutMs });
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.event('error', 'shutdown failed', { reason: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** How long a stopping server keeps answering (503, `Connection: close`) before closing its port. */
export function drainMs(shutdownTimeoutMs: number): number {
  return Math.min(5000, Math.floor(shutdownTimeoutMs / 3));
}
