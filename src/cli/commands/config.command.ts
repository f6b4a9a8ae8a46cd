import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { CLI_FLAGS, CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';

/**
 * The config was already loaded and validated before Nest started (cli.ts),
 * as production would judge it unless `--dev`; reaching here means it is valid.
 */
@SubCommand({
  name: 'check',
  description: 'Validate the config file as production would (literal secrets refused, a missing file is an error) and say what is wrong; exit 78 when invalid',
})
export class ConfigCheckCommand extends CommandRunner {
  constructor(private readonly config: AppConfig, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const summary = {
        valid: true,
        config: CLI_FLAGS.config,
        keysDir: this.config.keysDir,
        devMode: this.config.devMode,
        publicUrl: this.config.publicUrl,
        store: this.config.store.replace(/\/\/[^@/]*@/, '//***@'),
        bots: Object.keys(this.config.bots),
        ssoProviders: Object.keys(this.config.sso),
      };
      this.out.result(summary, (d) => `config is valid${d.devMode ? ' (no config file: dev mode defaults)' : ''}: bots ${d.bots.join(', ')}`);
    });
  }
  @Option({ flags: '--dev', description: 'judge as dev mode would: literal secrets allowed, no file means dev mode defaults' })
  parseDev(): boolean {
    return true;
  }
}

@Command({ name: 'config', description: 'Configuration: check', subCommands: [ConfigCheckCommand] })
export class ConfigCommand extends CommandGroup {}
