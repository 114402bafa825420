import { Command, type HelpContext } from 'commander';

/**
 * The `windward` commands, with one difference from commander's: `windward` without a command, or a
 * group named without one of its subcommands (`windward apikey`), is a usage error of one line
 * naming what it takes, like an unknown command or a missing option, rather than the whole help on
 * stderr. `windward --help` prints the help, on stdout.
 */
export class WindwardCommand extends Command {
  override createCommand(name?: string): WindwardCommand {
    return new WindwardCommand(name);
  }

  /** Commander asks for the help `{ error: true }` only when a command that has subcommands got none. */
  override help(context?: HelpContext): never;
  override help(cb: (text: string) => string): never;
  override help(context?: HelpContext | ((text: string) => string)): never {
    if (typeof context === 'function') return super.help(context);
    if (context?.error && this.commands.length > 0) {
      const path = [this.name()];
      for (let command: Command | null = this.parent; command; command = command.parent) path.unshift(command.name());
      const names = this.commands.map((command) => command.name()).filter((name) => name !== 'help');
      const choices = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
      const what = this.parent ? 'a subcommand' : 'a command';
      this.error(`error: \`${path.join(' ')}\` needs ${what}: ${choices} (see \`${path.join(' ')} --help\`)`, { exitCode: 2, code: 'windward.missingSubcommand' });
    }
    return super.help(context);
  }
}
