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
  description: 'Validate the config file as production would (literal secrets refused, a missing file is an error) and say what is wrong; exit 78 when invalid (--connect: also bind to the directory)',
})
export class ConfigCheckCommand extends CommandRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly out: CliOutput,
  ) {
    super();
  }
  run(_args: string[], options: { connect?: boolean } = {}): Promise<void> {
    return this.out.run(async () => {
      const summary = {
        valid: true,
        config: CLI_FLAGS.config,
        keysDir: this.config.keysDir,
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

  /** The service bind and a search of userBase, as the login would do them; the adapter is loaded only for this. */
  private async checkDirectory(): Promise<'ok' | 'unreachable' | 'not configured'> {
    const settings = this.config.login.directory;
    if (settings === undefined) return 'not configured';
    const { LdaptsDirectory } = await import('../../directory/ldapts.adapter.js');
    // Why a bind failed goes to stderr (the adapter never puts the bind password in a message).
    const directory = new LdaptsDirectory(settings, (message, fields) => process.stderr.write(`directory: ${message} ${JSON.stringify(fields)}\n`));
    try {
      await directory.ping();
      return 'ok';
    } catch {
      return 'unreachable';
    } finally {
      await directory.close();
    }
  }

  @Option({ flags: '--connect', description: 'also connect to login.directory and bind as its service account' })
  parseConnect(): boolean {
    return true;
  }

  @Option({ flags: '--dev', description: 'judge as dev mode would: literal secrets allowed, no file means dev mode defaults' })
  parseDev(): boolean {
    return true;
  }
}

@Command({ name: 'config', description: 'Configuration: check', subCommands: [ConfigCheckCommand] })
export class ConfigCommand extends CommandGroup {}
