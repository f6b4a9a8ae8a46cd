#!/usr/bin/env node
/**
 * The admin CLI: `chatwarden <group> <command>`. Global flags: `--config PATH`
 * and `--json`. Exit status 0 only on success; 78 (EX_CONFIG) when the config
 * cannot be used.
 *
 * Start-up cost matters for a command line: this file imports only what
 * every call needs, and each group's commands and Nest modules are loaded
 * when that group runs (cli.module.ts).
 */
import 'reflect-metadata';
import { CLI_FLAGS } from './cli/cli-output.js';
import { ConfigError, configSource, EX_CONFIG, loadConfig } from './config/config.loader.js';
import type { ChatwardenConfig } from './config/config.schema.js';

const EX_USAGE = 64;
const GROUP_NAMES = ['keys', 'clients', 'users', 'secrets', 'sessions', 'tokens', 'config'];

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

const OVERVIEW = `Usage: chatwarden <group> <command> [arguments] [options]

Global options (any position):
  --config PATH   config file (default: $CHATWARDEN_CONFIG or ./chatwarden.yaml; none: dev mode).
                  Relative paths in it (keysDir, login.usersFile) are read from the file's directory.
  --json          machine-readable output on stdout
  -h, --help      help for any group or command, e.g. chatwarden keys rotate --help

Groups:
  keys       token encryption keys: list, rotate, retire, prune
  clients    API keys for webhook handlers and sites: add, list, revoke
  users      local users of the login page: add, passwd, disable, enable, remove, list
  secrets    vendor webhook secrets: add, list, retire
  sessions   revoke sessions now, on every instance (needs the service's Redis store)
  tokens     issue and inspect user tokens
  config     check the configuration

Examples:
  chatwarden config check
  chatwarden clients add orders-webhook --scopes verify
  chatwarden keys rotate --activate-in 120
  chatwarden users add alice --roles customer --password-stdin < password.txt
  chatwarden sessions revoke --user alice --bot shop

Each command says on stderr which config and keys dir it used.
Exit status is 0 only on success; 78 when the config is missing or invalid.
`;

function loadOrExit(configPath: string | undefined, group: string, args: string[]): ChatwardenConfig {
  // `config check` judges the file as production would, unless --dev.
  const checking = group === 'config' && args.includes('check') && !args.includes('--help') && !args.includes('-h');
  const production = checking ? !args.includes('--dev') : undefined;
  try {
    return loadConfig({ path: configPath, production });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (CLI_FLAGS.json) process.stdout.write(`${JSON.stringify({ valid: false, error: 'config_invalid', problems: error.problems })}\n`);
    else process.stderr.write(`${error.message}\n`);
    process.exit(EX_CONFIG);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]))) {
    process.stdout.write(OVERVIEW);
    return;
  }
  const { configPath } = takeGlobalFlags(process.argv);
  const rest = process.argv.slice(2);
  const group = rest.find((a) => !a.startsWith('-')) ?? '';
  if (!GROUP_NAMES.includes(group)) {
    process.stderr.write(`error: ${group ? `unknown command '${group}'` : 'name a command group'}\n\n${OVERVIEW}`);
    process.exit(EX_USAGE);
  }
  const helpOnly = rest.includes('--help') || rest.includes('-h');
  const config = loadOrExit(configPath, group, rest);
  CLI_FLAGS.config = config.devMode ? null : configSource({ path: configPath }).path;
  CLI_FLAGS.keysDir = config.keysDir;
  if (!CLI_FLAGS.json && !helpOnly) {
    process.stderr.write(`chatwarden: config ${CLI_FLAGS.config ?? '(none: dev mode defaults)'}, keys dir ${config.keysDir}\n`);
  }

  const [{ CommandFactory }, { CliModule }, { createRootLogger }] = await Promise.all([
    import('nest-commander'),
    import('./cli/cli.module.js'),
    import('./observability/logger.js'),
  ]);
  const logger = createRootLogger(process.env.CHATWARDEN_LOG_LEVEL ?? 'info', 2);
  await CommandFactory.run(await CliModule.forGroup(group, config, logger), {
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
