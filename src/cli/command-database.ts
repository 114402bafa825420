import type { EmbeddedOpenOptions } from '../database/embedded-postgres.js';
import { commandProgressLogger } from './command-logger.js';
import { fail } from './fail.js';

/* How a command shares an embedded DATA_DIR with the other Windward processes. Light: main.ts imports it. */

let running = 'windward';

/** The verb this process runs (`windward user create`): main.ts sets it before the command runs. */
export function nameCommand(name: string): void {
  running = name;
}

/**
 * The embedded database options of a command: it is named in the lock (and to the process whose
 * database it uses), and if that process stops before the command is done, the command ends at once
 * with one line saying so, rather than with whatever its next query's broken connection reports.
 * Call `done()` once the work is: losing the host while closing changes nothing. `create: false`
 * for a command that works on an existing database: it fails, rather than make an empty one.
 */
export function commandDatabase(options: { create?: boolean } = {}): { embedded: EmbeddedOpenOptions; done(): void } {
  let finished = false;
  return {
    embedded: {
      command: running,
      role: 'command',
      create: options.create,
      // Waiting for the process that holds DATA_DIR is said as it happens, not held with the warnings of the work.
      logger: commandProgressLogger(),
      onHostLost: (error) => {
        if (!finished) void fail(error);
      },
    },
    done: () => {
      finished = true;
    },
  };
}
