/**
 * Log capture and the secret scan of test/log-scan.e2e-spec.ts: a pino
 * logger with the service's own options (redaction, request-id mixin) writing
 * into memory, and a scan that looks for every secret a test created — as
 * is, base64, base64url and URL-encoded — plus anything shaped like a
 * credential: user tokens (compact JWE), API keys, bearer credentials,
 * password hashes, private keys.
 */
import { pino, type Logger } from 'pino';
import { rootLoggerOptions } from '../src/observability/logger.js';

export class LogCapture {
  private readonly chunks: string[] = [];

  /** pino destination: every line, as written. */
  readonly stream = { write: (chunk: string) => void this.chunks.push(chunk) };

  get text(): string {
    return this.chunks.join('');
  }

  /** Every line parsed; a line that is not JSON fails the caller's expectations loudly. */
  records(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`log line is not JSON: ${line.slice(0, 200)}`);
        }
      });
  }

  /** Lines written so far; `since(mark)` gives the ones after it. */
  mark(): number {
    return this.records().length;
  }

  since(mark: number): Array<Record<string, unknown>> {
    return this.records().slice(mark);
  }
}

export function captureLogger(level = 'debug'): { logger: Logger; capture: LogCapture } {
  const capture = new LogCapture();
  return { logger: pino(rootLoggerOptions(level), capture.stream), capture };
}

/** What a credential looks like, whoever made it. */
export const CREDENTIAL_SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ['a user token (compact JWE)', /eyJ[\w-]{8,}\.[\w-]*\.[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/],
  ['an API key', /cwk_[0-9a-f]{12}_[\w-]{20,}/],
  ['a bearer credential', /bearer\s+(?!<)[\w.~+/-]{8,}/i],
  ['a basic-auth credential', /basic\s+[A-Za-z0-9+/]{8,}={0,2}/i],
  ['a password hash', /\$argon2(?:id|i|d)\$/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** The ways a secret could be written into a line besides as is. */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [...new Set([secret, bytes.toString('base64'), bytes.toString('base64url'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

/**
 * Findings, one per secret or shape found, naming the line number and what
 * was found (the secret itself is shown only by its first characters).
 * Secrets shorter than 8 characters are refused: they would match by chance.
 */
export function scanForSecrets(text: string, known: Record<string, string>): string[] {
  const lines = text.split('\n');
  const findings: string[] = [];
  for (const [what, secret] of Object.entries(known)) {
    if (secret.length < 8) throw new Error(`secret "${what}" is too short to scan for`);
    const forms = spellings(secret);
    const line = lines.findIndex((l) => forms.some((form) => l.includes(form)));
    if (line >= 0) findings.push(`line ${line + 1}: ${what} (${secret.slice(0, 6)}…)`);
  }
  for (const [what, shape] of CREDENTIAL_SHAPES) {
    const line = lines.findIndex((l) => shape.test(l));
    if (line >= 0) findings.push(`line ${line + 1}: something shaped like ${what}: ${lines[line].match(shape)![0].slice(0, 12)}…`);
  }
  return findings;
}
