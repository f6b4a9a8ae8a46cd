import { CommandRunner } from 'nest-commander';

/** A command group (`keys`, `clients`, …): with no sub-command it shows help; an unknown one is an error. */
export abstract class CommandGroup extends CommandRunner {
  async run(args: string[]): Promise<void> {
    if (args.length > 0) {
      process.stderr.write(`error: unknown command '${args[0]}'\n\n`);
      this.command.outputHelp({ error: true });
      process.exitCode = 1;
      return;
    }
    this.command.help();
  }
}
