import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataDirLock, DataDirInUseError } from './data-dir-lock.js';

describe('the DATA_DIR lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'windward-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const lockFile = () => path.join(dir, 'windward.lock');

  /** The pid of a process that has exited. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  it('is held by one process; a second taker is refused with the holder named', () => {
    const lock = acquireDataDirLock(dir, 'windward serve');
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, command: 'windward serve' });
    expect(() => acquireDataDirLock(dir, 'windward serve')).toThrow(DataDirInUseError);
    expect(() => acquireDataDirLock(dir, 'windward serve')).toThrow(new RegExp(`pid ${process.pid}, \`windward serve\``));
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    acquireDataDirLock(dir, 'windward serve').release();
  });

  it('takes over a lock left by a killed process', () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: deadPid(), startTicks: '1', command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = acquireDataDirLock(dir, 'windward serve');
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse), and a half-written one', () => {
    if (!existsSync('/proc/self/stat')) return; // start times come from /proc
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, startTicks: 'not-my-start', command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    acquireDataDirLock(dir, 'windward serve').release();
    writeFileSync(lockFile(), '{"pid":12');
    acquireDataDirLock(dir, 'windward serve').release();
  });

  it('does not remove a lock another process took over after ours', () => {
    const lock = acquireDataDirLock(dir, 'windward serve');
    const other = { pid: deadPid(), startTicks: null, command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' };
    writeFileSync(lockFile(), JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(other.pid);
  });
});
