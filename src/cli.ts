#!/usr/bin/env node
/**
 * The admin CLI: `chatwarden <group> <command>`. Global flags: `--config PATH`
 * and `--json`. Exit status 0 only on success.
 */
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CLI_FLAGS } from './cli/cli-output.js';
import { CliModule } from './cli/cli.module.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import { createRootLogger } from './observability/logger.js';

/** Takes the global flags out of argv before commander sees it (they apply to every command). */
function takeGlobalFlags(argv: string[]): { configPath?: string } {
  let configPath: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--json') {
      CLI_FLAGS.json = true;
      argv.splice(i--, 1);
    } else if (argv[i] === '--config' && i + 1 < argv.length) {
      configPath = argv[i + 1];
      argv.splice(i--, 2);
    } else if (argv[i].startsWith('--config=')) {
      configPath = argv[i].slice('--config='.length);
      argv.splice(i--, 1);
    }
  }
  // The audit line names the command, never its arguments (a token, a user name).
  CLI_FLAGS.command = argv.slice(2).filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
  return { configPath };
}

async function main(): Promise<void> {
  const { configPath } = takeGlobalFlags(process.argv);
  let config;
  try {
    config = loadConfig({ path: configPath });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (CLI_FLAGS.json) process.stdout.write(`${JSON.stringify({ valid: false, error: 'config_invalid', problems: error.problems })}\n`);
    else process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createRootLogger(process.env.CHATWARDEN_LOG_LEVEL ?? 'info', 2);
  await CommandFactory.run(CliModule.forRoot(config, logger), {
    logger: ['error'],
    cliName: 'chatwarden',
    usePlugins: false,
    errorHandler: (error) => {
      // commander's own exits (--help, --version) carry exitCode 0.
      const exitCode = (error as { exitCode?: number }).exitCode ?? 1;
      process.exit(exitCode);
    },
    serviceErrorHandler: (error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
