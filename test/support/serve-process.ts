import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './cli.js';

/** `windward serve` in a child process, as an operator runs it, with everything it printed. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts the built CLI's `serve` and resolves once it listens. Jest's NODE_OPTIONS and the suite's
 * DATABASE_URL are not passed on: `env` decides where it stores.
 */
export function startServeProcess(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const { NODE_OPTIONS: _jest, DATABASE_URL: _suite, ...inherited } = process.env;
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli/main.js'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out.slice(-2000)}${err.slice(-2000)}`)), 120_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"windward started","url":"(http:\/\/localhost:\d+)\/graphql"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it started: ${out.slice(-2000)}${err.slice(-2000)}`));
    });
  });
}

/** Every non-blank line, parsed; a line that is not one JSON object fails the test that reads it. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
      } catch {
        // reported below
      }
      throw new Error(`not a JSON object log line: ${line.slice(0, 300)}`);
    });
}
