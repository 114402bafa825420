import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';

/*
 * DATA_DIR as a process needs it: a directory it may write in (the embedded database, its lock and
 * socket, the development platform-key passphrase). A path that cannot be one is a configuration
 * mistake, said in one line that names DATA_DIR and why, rather than the file system's error.
 */

/** The file-system error's reason in words. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a directory';
    case 'ENOSPC':
      return 'no space is left on the device';
    default:
      return code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

/** Whether DATA_DIR is there; something there that is not a directory is refused. */
export function dataDirExistsOrThrow(dataDir: string): boolean {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataDir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError(`DATA_DIR ${dataDir} cannot be used: ${reason(error)}`);
  }
  if (!isDirectory) throw new ConfigError(`DATA_DIR ${dataDir} is not a directory: set DATA_DIR to a directory (it is made when missing)`);
  return true;
}

/** Makes DATA_DIR (and its parents) when missing, and checks that this process may write in it. */
export function ensureDataDirOrThrow(dataDir: string): void {
  if (!dataDirExistsOrThrow(dataDir)) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(`DATA_DIR ${dataDir} cannot be created: ${reason(error)}`);
    }
    return;
  }
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const user = process.getuid ? ` (uid ${process.getuid()})` : '';
    throw new ConfigError(`DATA_DIR ${dataDir} is not writable by this process${user}: ${reason(error)}`);
  }
}
