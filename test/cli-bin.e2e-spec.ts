/**
 * The package's bin (bin/chatwarden.js, what `npx chatwarden` runs) right
 * after `npm ci`, when dist/ does not exist yet: it builds once, with the
 * build's output on stderr (stdout is the command's, e.g. --json), then runs
 * the CLI; later calls run the built file without building. Exercised in a
 * scratch package whose `build` script stands in for swc, so the real dist/
 * that other suites use is never removed.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('bin/chatwarden.js', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chatwarden-bin-'));
    mkdirSync(join(root, 'bin'));
    copyFileSync(resolve('bin/chatwarden.js'), join(root, 'bin', 'chatwarden.js'));
    // The stand-in build counts its runs and writes a CLI that echoes its arguments as JSON.
    const build = [
      "const fs = require('node:fs');",
      "fs.appendFileSync('builds.log', 'x');",
      "console.log('compiling…');",
      "fs.mkdirSync('dist', { recursive: true });",
      "fs.writeFileSync('dist/cli.js', 'process.stdout.write(JSON.stringify({ args: process.argv.slice(2) }));');",
    ].join(' ');
    writeFileSync(join(root, 'build.cjs'), build);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', scripts: { build: 'node build.cjs' } }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    execFileSync(process.execPath, [join(root, 'bin', 'chatwarden.js'), ...args], { cwd: tmpdir(), env: { PATH: process.env.PATH }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('builds on the first call after install, keeping stdout for the command, and not again after', () => {
    expect(existsSync(join(root, 'dist'))).toBe(false);
    expect(JSON.parse(run('keys', 'list', '--json'))).toEqual({ args: ['keys', 'list', '--json'] });
    expect(readFileSync(join(root, 'builds.log'), 'utf8')).toBe('x');
    expect(JSON.parse(run('clients', 'list'))).toEqual({ args: ['clients', 'list'] });
    expect(readFileSync(join(root, 'builds.log'), 'utf8')).toBe('x');
  }, 60_000);
});
