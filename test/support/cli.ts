import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/src/cli/main.js');
/** Each CLI start loads the whole application (a few seconds on a busy machine). */
export const CLI_TIMEOUT = 180_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Non-blank lines of stdout and stderr. */
  lines: string[];
  errorLines: string[];
}

function nonBlankLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the CLI tests`);
}

/**
 * Runs the built CLI as an operator would: Jest's NODE_OPTIONS and the suite's DATABASE_URL are
 * not passed on, so `env` (a test database's settings, say) decides where it connects. `as`: run
 * it as another operating-system user (possible when the tests run as root).
 */
export function runCli(args: string[], env: Record<string, string> = {}, as: { uid: number; gid: number } | undefined = undefined): Promise<CliResult> {
  const { NODE_OPTIONS: _jestOptions, DATABASE_URL: _suiteDatabase, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: ROOT,
        ...as,
        timeout: CLI_TIMEOUT - 10_000,
        env: { ...inherited, REDIS_PREFIX: `windward-cli-${randomBytes(4).toString('hex')}`, NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, lines: nonBlankLines(stdout), errorLines: nonBlankLines(stderr) });
      },
    );
  });
}

/** What every failing command must look like: the exit code, one `windward: ` line, no stack trace, nothing on stdout. */
export function expectOneLineFailure(result: CliResult, exitCode: number, pattern: RegExp): void {
  expect({ code: result.code, stderr: result.errorLines }).toEqual({ code: exitCode, stderr: [expect.stringMatching(/^windward: /)] });
  expect(result.errorLines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}
