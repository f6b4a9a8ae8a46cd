/**
 * One pino root logger for the service and the CLI. Redaction is the last line
 * of defence: code never logs tokens, secrets or passwords on purpose, and
 * these paths catch the ones that would slip in through request objects.
 */
import { pino, type Logger } from 'pino';

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
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-inbenta-key"]',
  'req.headers["x-inbenta-session"]',
  'res.headers["set-cookie"]',
];

/** The CLI logs (audit lines included) to stderr so stdout stays the command's output. */
export function createRootLogger(level = process.env.CHATWARDEN_LOG_LEVEL ?? 'info', fd: 1 | 2 = 1): Logger {
  return pino(
    {
    level,
    base: { service: 'chatwarden' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd, sync: fd === 2 }),
  );
}
