import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { ensureDataDirOrThrow } from './data-dir.js';

/** Root may write anywhere: a directory's mode cannot refuse it. */
const unlessRoot = process.getuid?.() === 0 ? it.skip : it;

describe('DATA_DIR', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'windward-data-dir-'))));
  afterEach(() => {
    chmodSync(root, 0o700);
    rmSync(root, { recursive: true, force: true });
  });

  it('is made with its parents when missing, and an existing one is taken as it is', () => {
    const dir = path.join(root, 'a', 'b');
    ensureDataDirOrThrow(dir);
    expect(existsSync(dir)).toBe(true);
    ensureDataDirOrThrow(dir);
  });

  it('that is a regular file is refused in one line naming DATA_DIR, and the file is left alone', () => {
    const file = path.join(root, 'data');
    writeFileSync(file, 'not a directory');
    expect(() => ensureDataDirOrThrow(file)).toThrow(new ConfigError(`DATA_DIR ${file} is not a directory: set DATA_DIR to a directory (it is made when missing)`));
    expect(() => ensureDataDirOrThrow(path.join(file, 'sub'))).toThrow(new ConfigError(`DATA_DIR ${path.join(file, 'sub')} cannot be used: a part of its path is a file, not a directory`));
  });

  unlessRoot('that this process may not write in, or not make, is refused in one line', () => {
    const locked = path.join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(() => ensureDataDirOrThrow(locked)).toThrow(/^DATA_DIR .*\/locked is not writable by this process \(uid \d+\): permission denied$/);
    expect(() => ensureDataDirOrThrow(path.join(locked, 'data'))).toThrow(/^DATA_DIR .*\/locked\/data cannot be created: permission denied$/);
    chmodSync(locked, 0o700);
  });
});
