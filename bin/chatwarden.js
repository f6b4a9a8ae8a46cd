#!/usr/bin/env node
// The package's bin (`npx chatwarden`): runs the built CLI, dist/cli.js.
// Right after `npm ci` nothing is built yet, so the first call builds once
// (`npm run build`, a few seconds) instead of failing; later calls start the
// built file directly. After changing src/, run `npm run build` (npm start does).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = new URL('../dist/cli.js', import.meta.url);

if (!existsSync(cli)) {
  process.stderr.write('chatwarden: first run after install, building dist/ once (npm run build)…\n');
  // The build's output goes to stderr: stdout belongs to the command (--json).
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (build.status !== 0 || !existsSync(cli)) {
    process.stderr.write('chatwarden: the build failed (see above); `npm run build` in the project directory shows why\n');
    process.exit(1);
  }
}
await import(cli.href);
