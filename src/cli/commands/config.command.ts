import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';

/** The config was already loaded and validated before Nest started; reaching here means it is valid. */
@SubCommand({ name: 'check', description: 'Validate the config file and say what is wrong' })
export class ConfigCheckCommand extends CommandRunner {
  constructor(private readonly config: AppConfig, private readonly out: CliOutput) {
    super();
  }
  run(): Promise<void> {
    return this.out.run(() => {
      const summary = {
        valid: true,
        devMode: this.config.devMode,
        publicUrl: this.config.publicUrl,
        store: this.config.store.replace(/\/\/[^@/]*@/, '//***@'),
        bots: Object.keys(this.config.bots),
        ssoProviders: Object.keys(this.config.sso),
      };
      this.out.result(summary, (d) => `config is valid${d.devMode ? ' (no config file: dev mode defaults)' : ''}: bots ${d.bots.join(', ')}`);
    });
  }
}

@Command({ name: 'config', description: 'Configuration: check', subCommands: [ConfigCheckCommand] })
export class ConfigCommand extends CommandGroup {}
