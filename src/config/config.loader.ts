/**
 * Reads chatwarden.yaml, resolves `{ env }` / `{ file }` secret references,
 * applies the environment overrides of SPEC.md and validates the result.
 * Every problem is reported with its path and what to do about it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { BotConfig, ChatwardenConfig, SsoProviderConfig } from './config.schema.js';
import { devModeConfig } from './dev-mode.js';
import { validateChatConfig } from '../chat/chat-config.dto.js';
import { validateWebhookConfig } from '../signatures/webhook-config.dto.js';
import { ssoConfigProblems } from '../sso/sso-config.js';
import { IDENTITY_SECRET_PATHS } from '../identity/identity-proof.registry.js';

/** Exit status for a config that cannot be used (sysexits.h EX_CONFIG): the service and the CLI both use it. */
export const EX_CONFIG = 78;
import { directoryConfigProblems } from '../directory/directory-config.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Paths (dot-separated, `*` for any key or index) whose values are secrets. */
const SECRET_PATHS = [
  'sso.*.clientSecret',
  'bots.*.chat.apiKey',
  'bots.*.chat.secret',
  'bots.*.webhook.secrets.*',
  'bots.*.webhook.token',
  'bots.*.webhook.basicAuth',
  'bots.*.webhook.basicAuth.*',
  'bots.*.webhook.headers.*',
  'bots.*.webhook.verifyToken',
  ...IDENTITY_SECRET_PATHS,
  'login.directory.bindPassword',
];

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Explicit path (CLI --config); otherwise $CHATWARDEN_CONFIG or ./chatwarden.yaml. */
  path?: string;
  /** Judge the file as production would (literal secrets refused, no dev mode); default: NODE_ENV=production. */
  production?: boolean;
}

/** Where the config comes from, and whether someone named it (a named file must exist). */
export interface ConfigSource {
  path: string;
  named: boolean;
}

export function configSource(options: LoadOptions = {}): ConfigSource {
  const env = options.env ?? process.env;
  const named = options.path ?? (env.CHATWARDEN_CONFIG || undefined);
  return { path: resolve(named ?? 'chatwarden.yaml'), named: named !== undefined };
}

export function configPath(options: LoadOptions = {}): string {
  return configSource(options).path;
}

export function loadConfig(options: LoadOptions = {}): ChatwardenConfig {
  const env = options.env ?? process.env;
  const production = options.production ?? env.NODE_ENV === 'production';
  const { path, named } = configSource(options);
  const problems: string[] = [];
  const fileExists = existsSync(path);

  // Only the implicit default may be absent (dev mode): a file someone named
  // and mistyped must not quietly start a service with demo credentials.
  if (!fileExists && named) {
    throw new ConfigError(
      [`no config file at ${path} (named by ${options.path !== undefined ? '--config' : 'CHATWARDEN_CONFIG'}): fix the path, or leave it out to run dev mode`],
      path,
    );
  }

  let raw: Record<string, unknown>;
  if (fileExists) {
    try {
      const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
      if (!isPlainObject(parsed)) throw new Error('the file must hold a YAML mapping');
      raw = parsed;
    } catch (error) {
      throw new ConfigError([`cannot read ${path}: ${(error as Error).message}`], path);
    }
    const baseDir = resolve(path, '..');
    raw = resolveSecretRefs(raw, [], { env, production, problems, baseDir }) as Record<string, unknown>;
    resolveFilePaths(raw, baseDir);
  } else if (production) {
    throw new ConfigError(
      [`no config file at ${path}: create it (see README "Configure a bot") or point CHATWARDEN_CONFIG at it`],
      path,
    );
  } else {
    raw = devModeConfig(env) as unknown as Record<string, unknown>;
  }

  applyEnvOverrides(raw, env);
  // Dev mode and environment overrides name paths from the working directory.
  resolveFilePaths(raw, process.cwd());
  const config = validateInto(ChatwardenConfig, raw, '', problems);
  config.bots = validateRecord(BotConfig, raw.bots, 'bots', problems);
  for (const [id, bot] of Object.entries(config.bots)) {
    if (bot.chat === undefined) continue;
    const chat = validateChatConfig(bot.chat, `bots.${id}.chat`);
    problems.push(...chat.problems);
    bot.chat = chat.config as unknown as Record<string, unknown>;
  }
  for (const [id, bot] of Object.entries(config.bots)) {
    // A non-mapping `webhook` is already reported by BotConfig.
    if (!isPlainObject(bot.webhook)) continue;
    problems.push(...validateWebhookConfig(bot.webhook).problems.map((problem) => `bots.${id}.webhook.${problem}`));
  }
  config.sso = validateRecord(SsoProviderConfig, raw.sso, 'sso', problems);
  config.devMode = !fileExists && !production;
  // Token `iss` and redirect URIs are built from publicUrl: one spelling only.
  if (typeof config.publicUrl === 'string') config.publicUrl = config.publicUrl.replace(/\/+$/, '');
  if (production && config.store === 'memory://') {
    console.warn('chatwarden: store is memory:// — fine for one instance; use Redis to run several');
  }
  if (Object.keys(config.bots).length === 0) problems.push('bots: configure at least one bot (see README)');
  // Cross-field SSO checks need well-formed fields, so they run once the rest is valid.
  if (problems.length === 0) problems.push(...ssoConfigProblems(config));
  if (problems.length === 0) problems.push(...directoryConfigProblems(config.login.directory, config.roles));
  if (problems.length > 0) throw new ConfigError(problems, fileExists ? path : 'dev mode');
  return config;
}

/**
 * Makes `keysDir` and `login.usersFile` absolute. Paths written in the file
 * are read from the file's own directory, so the CLI run from anywhere with
 * `--config` finds the same keys as the service; the default `./keys` is
 * likewise next to the file.
 */
function resolveFilePaths(raw: Record<string, unknown>, baseDir: string): void {
  const keysDir = raw.keysDir ?? './keys';
  if (typeof keysDir === 'string' && keysDir !== '') raw.keysDir = isAbsolute(keysDir) ? keysDir : resolve(baseDir, keysDir);
  const login = raw.login;
  if (isPlainObject(login) && typeof login.usersFile === 'string' && login.usersFile !== '' && !isAbsolute(login.usersFile)) {
    login.usersFile = resolve(baseDir, login.usersFile);
  }
}

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  if (env.PORT !== undefined) raw.port = Number(env.PORT);
  if (env.REDIS_URL) raw.store = env.REDIS_URL;
  if (env.CHATWARDEN_KEYS_DIR) raw.keysDir = env.CHATWARDEN_KEYS_DIR;
  if (env.CHATWARDEN_PUBLIC_URL) raw.publicUrl = env.CHATWARDEN_PUBLIC_URL;
  if (env.CHATWARDEN_LOG_LEVEL) raw.logLevel = env.CHATWARDEN_LOG_LEVEL;
}

interface ResolveContext {
  env: NodeJS.ProcessEnv;
  production: boolean;
  problems: string[];
  baseDir: string;
}

/** Replaces `{ env: NAME }` and `{ file: PATH }` by their values; refuses literal secrets in production. */
function resolveSecretRefs(value: unknown, path: string[], context: ResolveContext): unknown {
  const where = path.join('.');
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file')) return readSecretRef(value, where, context);
    return Object.fromEntries(keys.map((key) => [key, resolveSecretRefs(value[key], [...path, key], context)]));
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveSecretRefs(item, [...path, String(index)], context));
  if (typeof value === 'string' && context.production && isSecretPath(path)) {
    context.problems.push(`${where}: literal secrets are refused in production; write { env: NAME } or { file: PATH }`);
  }
  return value;
}

function readSecretRef(ref: Record<string, unknown>, where: string, context: ResolveContext): string | undefined {
  if (typeof ref.env === 'string') {
    const value = context.env[ref.env];
    if (value === undefined || value === '') {
      context.problems.push(`${where}: environment variable ${ref.env} is not set`);
    }
    return value;
  }
  if (typeof ref.file === 'string') {
    try {
      return readFileSync(resolve(context.baseDir, ref.file), 'utf8').trim();
    } catch {
      context.problems.push(`${where}: cannot read secret file ${ref.file}`);
      return undefined;
    }
  }
  context.problems.push(`${where}: a secret reference is { env: NAME } or { file: PATH }`);
  return undefined;
}

function isSecretPath(path: string[]): boolean {
  return SECRET_PATHS.some((pattern) => {
    const parts = pattern.split('.');
    return parts.length === path.length && parts.every((part, i) => part === '*' || part === path[i]);
  });
}

function validateInto<T extends object>(cls: ClassConstructor<T>, raw: unknown, prefix: string, problems: string[]): T {
  const instance = plainToInstance(cls, raw ?? {}, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  problems.push(...flatten(errors, prefix));
  return instance;
}

function validateRecord<T extends object>(
  cls: ClassConstructor<T>,
  raw: unknown,
  prefix: string,
  problems: string[],
): Record<string, T> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) {
    problems.push(`${prefix}: must be a mapping of name -> settings`);
    return {};
  }
  const result: Record<string, T> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) problems.push(`${prefix}.${name}: names use letters, digits, - and _`);
    result[name] = validateInto(cls, value, `${prefix}.${name}.`, problems);
  }
  return result;
}

function flatten(errors: ValidationError[], prefix: string): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    if (['bots', 'sso'].includes(path)) return [];
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], `${path}.`)];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
