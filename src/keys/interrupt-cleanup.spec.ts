import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removingOnInterrupt } from './interrupt-cleanup.js';

describe('removingOnInterrupt', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'windward-interrupt-'));

  it.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)('removes the files named so far on %s and ends with %i', async (signal, code) => {
    const written = path.join(dir, `.key.${signal}.tmp`);
    const exits: number[] = [];
    await removingOnInterrupt(() => [written], async () => {
      writeFileSync(written, 'private key', { mode: 0o600 });
      process.emit(signal);
    }, (exitCode) => exits.push(exitCode));
    expect(exits).toEqual([code]);
    expect(existsSync(written)).toBe(false);
  });

  it('leaves the handlers as they were once the work is done, and returns its result', async () => {
    const before = process.listenerCount('SIGINT');
    const kept = path.join(dir, 'kept');
    expect(await removingOnInterrupt(() => [kept], async () => {
      writeFileSync(kept, 'x');
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      return 42;
    })).toBe(42);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(existsSync(kept)).toBe(true);
  });

  it('removes its handlers when the work fails', async () => {
    const before = process.listenerCount('SIGTERM');
    await expect(removingOnInterrupt(() => [], async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
