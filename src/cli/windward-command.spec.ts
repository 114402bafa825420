import { CommanderError } from 'commander';
import { WindwardCommand } from './windward-command.js';

/** A program shaped like `windward`'s groups, whose exits are thrown and whose output is kept. */
function program() {
  const output = { out: '', err: '' };
  const root = new WindwardCommand('windward')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void (output.out += text), writeErr: (text) => void (output.err += text) });
  const apikey = root.command('apikey').description('manage API keys');
  apikey.command('create').action(() => undefined);
  apikey.command('revoke').action(() => undefined);
  root.command('audit').command('verify').action(() => undefined);
  return { root, output };
}

function exitOf(root: WindwardCommand, args: string[]): CommanderError {
  try {
    root.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error(`${args.join(' ')} did not exit`);
}

describe('windward command groups', () => {
  it('named without a subcommand: one line naming the subcommands, the usage exit code, no help screen', () => {
    const { root, output } = program();
    const exit = exitOf(root, ['apikey']);
    expect({ exitCode: exit.exitCode, code: exit.code }).toEqual({ exitCode: 2, code: 'windward.missingSubcommand' });
    expect(output.err).toBe('error: `windward apikey` needs a subcommand: create or revoke (see `windward apikey --help`)\n');
    expect(output.out).toBe('');
  });

  it('windward without any command: one line naming the commands, the usage exit code', () => {
    const { root, output } = program();
    const exit = exitOf(root, []);
    expect({ exitCode: exit.exitCode, code: exit.code }).toEqual({ exitCode: 2, code: 'windward.missingSubcommand' });
    expect(output.err).toBe('error: `windward` needs a command: apikey or audit (see `windward --help`)\n');
    expect(output.out).toBe('');
  });

  it('with one subcommand names it alone', () => {
    const { root, output } = program();
    exitOf(root, ['audit']);
    expect(output.err).toBe('error: `windward audit` needs a subcommand: verify (see `windward audit --help`)\n');
  });

  it('still shows the help when asked for it, and refuses an unknown subcommand as commander does', () => {
    const asked = program();
    expect(exitOf(asked.root, ['apikey', '--help']).exitCode).toBe(0);
    expect(asked.output.out).toContain('Usage: windward apikey');
    const unknown = program();
    expect(exitOf(unknown.root, ['apikey', 'frob']).code).toBe('commander.unknownCommand');
    expect(unknown.output.err).toMatch(/^error: unknown command 'frob'\n$/);
  });
});
