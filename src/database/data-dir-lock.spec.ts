import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataDirLock, announceWaitingServer, DataDirInUseError, serverIsWaiting } from './data-dir-lock.js';

const SERVE = { command: 'windward serve', role: 'server' } as const;

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

  it("tells a waiting worker that a live server waits too, until the server withdraws; never the server itself", () => {
    const waitingFile = path.join(dir, 'windward.server-waiting');
    expect(serverIsWaiting(dir)).toBe(false);
    const announced = announceWaitingServer(dir, 'windward serve');
    expect(JSON.parse(readFileSync(waitingFile, 'utf8'))).toMatchObject({ pid: process.pid, role: 'server' });
    expect(serverIsWaiting(dir)).toBe(false); // this process's own announcement
    // Another live process's announcement (this test runner's parent stands in for it).
    writeFileSync(waitingFile, JSON.stringify({ pid: process.ppid, startTicks: null, command: 'windward serve', role: 'server', host: os.hostname(), since: '' }));
    expect(serverIsWaiting(dir)).toBe(true);
    announced.release(); // not ours any more: left alone
    expect(serverIsWaiting(dir)).toBe(true);
    // One left by a server that died while waiting counts for nothing.
    writeFileSync(waitingFile, JSON.stringify({ pid: deadPid(), startTicks: null, command: 'windward serve', role: 'server', host: os.hostname(), since: '' }));
    expect(serverIsWaiting(dir)).toBe(false);
    const again = announceWaitingServer(dir, 'windward serve');
    again.release();
    expect(existsSync(waitingFile)).toBe(false);
  });

  it('is held by one process; a second taker is refused with the holder named', () => {
    const lock = acquireDataDirLock(dir, SERVE);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, command: 'windward serve', role: 'server' });
    expect(() => acquireDataDirLock(dir, SERVE)).toThrow(DataDirInUseError);
    expect(() => acquireDataDirLock(dir, SERVE)).toThrow(new RegExp(`pid ${process.pid}, \`windward serve\``));
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    acquireDataDirLock(dir, SERVE).release();
  });

  it('names the holder by its subcommand and role, so a refusal says which command holds the directory', () => {
    const lock = acquireDataDirLock(dir, { command: 'windward audit verify', role: 'command' });
    const refused = (() => {
      try {
        acquireDataDirLock(dir, SERVE);
      } catch (error) {
        return error as DataDirInUseError;
      }
    })();
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect(refused!.holder).toMatchObject({ command: 'windward audit verify', role: 'command' });
    expect(refused!.message).toContain(`(pid ${process.pid}, \`windward audit verify\`, since `);
    lock.release();
  });

  it('takes over a lock left by a killed process', () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: deadPid(), startTicks: '1', command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = acquireDataDirLock(dir, SERVE);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse), and a half-written one', () => {
    if (!existsSync('/proc/self/stat')) return; // start times come from /proc
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, startTicks: 'not-my-start', command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    acquireDataDirLock(dir, SERVE).release();
    writeFileSync(lockFile(), '{"pid":12');
    acquireDataDirLock(dir, SERVE).release();
  });

  it('does not remove a lock another process took over after ours', () => {
    const lock = acquireDataDirLock(dir, SERVE);
    const other = { pid: deadPid(), startTicks: null, command: 'windward serve', host: os.hostname(), since: '2026-01-01T00:00:00Z' };
    writeFileSync(lockFile(), JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(other.pid);
  });
});
