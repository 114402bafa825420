import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, ROOT, requireBuiltCli } from '../support/cli.js';

/**
 * The light commands must not load the application: `windward --help` and the key commands'
 * help start in a fraction of a second only while the CLI imports Nest, TypeORM, the app's
 * modules and OpenPGP on demand (src/cli/main.ts). Checked by the modules the process loads, not
 * by timing, so that a busy machine cannot fail it.
 */
function loadedModules(args: string[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'windward-imports-'));
  const log = path.join(dir, 'imports.log');
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', path.join(ROOT, 'test/support/import-log.mjs'), CLI, ...args], { cwd: ROOT, env: { ...env, IMPORT_LOG: log }, timeout: 30_000 }, (error, stdout) => {
      try {
        if (error) throw error;
        expect(stdout).toContain('Usage: windward');
        resolve(readFileSync(log, 'utf8').split('\n').filter(Boolean));
      } catch (failure) {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const HEAVY = /\/node_modules\/(@nestjs|typeorm|pg|@electric-sql|bullmq|ioredis|graphql|@apollo|openpgp|fastify)\/|\/dist\/src\/(app|database|jobs|graphql|seizures|operations|alerts)\//;

describe('CLI start-up', () => {
  beforeAll(() => requireBuiltCli());

  it.each([[['--help']], [['keygen', '--help']], [['seal', '--help']], [['open', '--help']]])('%j loads neither the app nor the heavy libraries', async (args) => {
    const modules = await loadedModules(args);
    expect(modules.some((url) => url.endsWith('/dist/src/cli/main.js'))).toBe(true); // the log works
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('ends quietly when its reader has closed the pipe (`| head -1`), with no stack trace', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'windward-pipe-'));
    const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
    try {
      const child = spawn(process.execPath, [CLI, 'keygen', '--agency', 'JM', '--out', dir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.stdout.destroy(); // the reader is gone before the first line
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
