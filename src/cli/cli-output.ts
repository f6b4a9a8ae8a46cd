/**
 * How commands print: human text by default, one JSON document with --json.
 * Failures set a non-zero exit status (STYLE.md: a failed command must not exit 0).
 */
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { AuditLog } from '../observability/audit-log.js';

export const CLI_FLAGS = {
  json: false,
  /** `group command` as typed (never its arguments, which may be tokens or secrets); set by cli.ts. */
  command: '',
  /** The config file the command used (null: dev mode defaults) and its keys dir, absolute; set by cli.ts. */
  config: null as string | null,
  keysDir: '',
};

@Injectable()
export class CliOutput {
  constructor(private readonly audit: AuditLog) {}

  get json(): boolean {
    return CLI_FLAGS.json;
  }

  /** Prints `data` as JSON, or `human(data)` as text. */
  result<T>(data: T, human: (data: T) => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
  }

  table(rows: Array<Record<string, unknown>>, columns: string[]): string {
    if (rows.length === 0) return '(none)';
    const cells = rows.map((row) => columns.map((c) => formatCell(row[c])));
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
    const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
    return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
  }

  /**
   * An AppError's `message` is written for the end user in a chat ("Please
   * log in again"); the operator gets its `detail` (what exactly is wrong)
   * when it has one.
   */
  fail(error: unknown): void {
    const code = error instanceof AppError ? error.code : 'error';
    const detail = error instanceof AppError ? error.detail : undefined;
    const message = detail ?? (error instanceof Error ? error.message : String(error));
    if (this.json) process.stdout.write(`${JSON.stringify({ error: code, message })}\n`);
    else process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }

  /**
   * Runs a command body, turning any failure into a message and exit status 1.
   * Every run is one `cli.command` audit line with its outcome.
   */
  async run(body: () => Promise<void> | void): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.fail(error);
    }
    const outcome = process.exitCode ? 'failed' : 'ok';
    this.audit.record('cli.command', {
      command: CLI_FLAGS.command,
      outcome,
      actor: 'cli',
      user: process.env.USER ?? null,
      config: CLI_FLAGS.config,
      keysDir: CLI_FLAGS.keysDir,
    });
  }
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
