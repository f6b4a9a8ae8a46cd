/**
 * One pino root logger for the service and the CLI. Redaction is the last line
 * of defence: code never logs tokens, secrets or passwords on purpose, and
 * these paths catch the ones that would slip in through request objects.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import { requestLogFields } from './request-context.js';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'clientSecret',
  '*.clientSecret',
  'accessToken',
  '*.accessToken',
  'sessionToken',
  '*.sessionToken',
  'chatSession',
  '*.chatSession',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers["x-inbenta-key"]',
  'req.headers["x-inbenta-session"]',
  'res.headers["set-cookie"]',
];

/** The CLI logs (audit lines included) to stderr so stdout stays the command's output. */
export function createRootLogger(level = process.env.CHATWARDEN_LOG_LEVEL ?? 'info', fd: 1 | 2 = 1): Logger {
  return pino(rootLoggerOptions(level), pino.destination({ fd, sync: fd === 2 }));
}

/** Options of the root logger; tests that capture the log build theirs from these. */
export function rootLoggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'chatwarden' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The request id of the request being handled, on every line (request-context.ts).
    mixin: requestLogFields,
  };
}
