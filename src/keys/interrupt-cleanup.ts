import { rmSync } from 'node:fs';

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type CleanupSignal = keyof typeof SIGNALS;

/**
 * Runs `work` so that an interrupt (Ctrl-C, `kill`, a closed terminal) while it runs removes the
 * files `files()` names before the process ends as the signal would have ended it (exit 128 + the
 * signal's number). For writes of secrets under temporary names: a private key must not be left
 * behind in a `.tmp` file because the operator pressed Ctrl-C at the wrong moment. A SIGKILL cannot
 * be caught; nothing can clean up after it.
 */
export async function removingOnInterrupt<T>(files: () => readonly string[], work: () => Promise<T>, exit: (code: number) => void = (code) => process.exit(code)): Promise<T> {
  const handlers = new Map<CleanupSignal, () => void>();
  for (const signal of Object.keys(SIGNALS) as CleanupSignal[]) {
    const handler = () => {
      for (const file of files()) rmSync(file, { force: true });
      exit(128 + SIGNALS[signal]);
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}
