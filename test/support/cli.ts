/** Runs the real built CLI (`dist/cli.js`, what `npx chatwarden` runs) as a child process. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI_PATH = resolve('dist/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CliResult> {
  if (!existsSync(CLI_PATH)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { env: { PATH: process.env.PATH, ...options.env }, cwd: options.cwd, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
