import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AppConfig } from '../../config/app-config.js';
import { CliOutput } from '../cli-output.js';
import { CommandGroup } from '../command-group.js';
import { Directory } from '../../directory/directory.js';

/** The config was already loaded and validated before Nest started; reaching here means it is valid. */
@SubCommand({ name: 'check', description: 'Validate the config file and say what is wrong (--connect: also bind to the directory)' })
export class ConfigCheckCommand extends CommandRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly out: CliOutput,
    private readonly directory: Directory,
  ) {
    super();
  }
  run(_args: string[], options: { connect?: boolean } = {}): Promise<void> {
    return this.out.run(async () => {
      const summary = {
        valid: true,
        devMode: this.config.devMode,
        publicUrl: this.config.publicUrl,
        store: this.config.store.replace(/\/\/[^@/]*@/, '//***@'),
        bots: Object.keys(this.config.bots),
        ssoProviders: Object.keys(this.config.sso),
        ...(options.connect && { directory: await this.checkDirectory() }),
      };
      this.out.result(summary, (d) =>
        [
          `config is valid${d.devMode ? ' (no config file: dev mode defaults)' : ''}: bots ${d.bots.join(', ')}`,
          ...(d.directory ? [`directory: ${d.directory === 'unreachable' ? 'unreachable (the service bind was refused or the directory did not answer; the log line says why)' : d.directory}`] : []),
        ].join('\n'),
      );
      // The config is valid but the directory is not usable: still a failed check.
      if (summary.directory === 'unreachable') process.exitCode = 1;
    });
  }

  /** The service bind and a search of userBase, as the login would do them. */
  private async checkDirectory(): Promise<'ok' | 'unreachable' | 'not configured'> {
    if (!this.directory.enabled) return 'not configured';
    try {
      await this.directory.ping();
      return 'ok';
    } catch {
      return 'unreachable';
    } finally {
      await this.directory.close();
    }
  }

  @Option({ flags: '--connect', description: 'also connect to login.directory and bind as its service account' })
  parseConnect(): boolean {
    return true;
  }
}

@Command({ name: 'config', description: 'Configuration: check', subCommands: [ConfigCheckCommand] })
export class ConfigCommand extends CommandGroup {}
