import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GPG = 'gpg';
const GPGCONF = 'gpgconf';

export interface GpgResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The `--status-fd 2` lines (GOODSIG, VALIDSIG, DECRYPTION_OKAY …), without the prefix. */
  status: string[];
}

/**
 * The real GnuPG in a throwaway home directory: batch mode, loopback pinentry, so nothing ever
 * prompts. Call `dispose()` to stop its agent and remove the directory.
 */
export class GpgHome {
  private counter = 0;

  private constructor(readonly dir: string) {}

  static async create(): Promise<GpgHome> {
    // Short path: gpg-agent's socket path must fit in sun_path.
    return new GpgHome(await mkdtemp(join(tmpdir(), 'wwg-')));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Runs gpg; never throws for a non-zero exit (the code is in the result). */
  async gpg(args: string[], options: { passphrase?: string } = {}): Promise<GpgResult> {
    const argv = ['--homedir', this.dir, '--batch', '--no-tty', '--status-fd', '2', '--pinentry-mode', 'loopback', '--passphrase', options.passphrase ?? '', ...args];
    try {
      const { stdout, stderr } = await run(GPG, argv, { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 });
      return { code: 0, stdout, stderr, status: statusLines(stderr) };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      const stderr = failed.stderr ?? '';
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr, status: statusLines(stderr) };
    }
  }

  /** Like `gpg`, but a non-zero exit throws with gpg's own message. */
  async gpgOk(args: string[], options: { passphrase?: string } = {}): Promise<GpgResult> {
    const result = await this.gpg(args, options);
    if (result.code !== 0) throw new Error(`gpg ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result;
  }

  /** Makes a key (default: ed25519 primary + cv25519 encryption subkey, no passphrase) and returns its fingerprint. */
  async generate(userId: string, algo = 'future-default', usage = 'default'): Promise<string> {
    await this.gpgOk(['--quick-gen-key', userId, algo, usage, 'never']);
    return this.fingerprint(userId);
  }

  async fingerprint(userId: string): Promise<string> {
    const { stdout } = await this.gpgOk(['--with-colons', '--list-keys', userId]);
    const line = stdout.split('\n').find((l) => l.startsWith('fpr:'));
    if (!line) throw new Error(`no key for ${userId}`);
    return line.split(':')[9];
  }

  /** Fingerprints of the secret keys in the keyring. */
  async secretFingerprints(): Promise<string[]> {
    const { stdout } = await this.gpgOk(['--with-colons', '--list-secret-keys']);
    const lines = stdout.split('\n');
    // Each `sec` line is followed by the primary key's `fpr` line.
    return lines.flatMap((line, i) => (line.startsWith('sec:') && lines[i + 1]?.startsWith('fpr:') ? [lines[i + 1].split(':')[9]] : []));
  }

  async exportPublic(fingerprint: string): Promise<string> {
    return (await this.gpgOk(['--armor', '--export', fingerprint])).stdout;
  }

  /** Writes text to a file in the home directory and returns its path. */
  async writeFile(name: string, text: string): Promise<string> {
    const file = this.path(name);
    await writeFile(file, text);
    return file;
  }

  async importFile(file: string, passphrase = ''): Promise<GpgResult> {
    return this.gpgOk(['--import', file], { passphrase });
  }

  async import(armored: string, passphrase = ''): Promise<GpgResult> {
    return this.importFile(await this.writeFile(`import-${++this.counter}.asc`, armored), passphrase);
  }

  async dispose(): Promise<void> {
    await run(GPGCONF, ['--homedir', this.dir, '--kill', 'all'], { timeout: 10_000 }).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

function statusLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('[GNUPG:] '))
    .map((line) => line.slice('[GNUPG:] '.length));
}
