/**
 * The README's shell examples, run as written against `npm start` (dev mode):
 * every ```sh block that talks to `$CHATWARDEN` runs in bash after the
 * block that sets the address and keys, with only the README's placeholders
 * filled in (the dev API key for `cwk_…`, the token of the previous answer for
 * `eyJhbGciOiJkaXIi…`, the test's port for localhost:3000). Each answer must
 * have the fields the README shows, with the same values where the README
 * states them (valid, subject, bot, permissions, scheme …).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startService, waitForOutput, type ServiceProcess } from './support/process.js';

const TOOLS = ['bash', 'curl', 'openssl'];
const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missing.length > 0) {
  const text = `README examples need ${missing.join(', ')} on PATH`;
  if (process.env.CI === 'true') throw new Error(text);
  console.warn(`SKIPPED: ${text}`);
}
const describeWithTools = missing.length === 0 ? describe : describe.skip;

interface Example {
  commands: string;
  /** The first answer the README shows after the command, as JSON. */
  answer: Record<string, unknown>;
}

const STATED = ['valid', 'subject', 'bot', 'permissions', 'authMethod', 'scheme', 'secretId', 'error'];

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).filter((block) => block.includes('CHATWARDEN'));
}

function parseExample(block: string): Example | undefined {
  const lines = block.split('\n');
  const commands = lines.filter((line) => !line.startsWith('#')).join('\n');
  const comments = lines.filter((line) => line.startsWith('#')).map((line) => line.replace(/^#\s?/, ''));
  if (comments.length === 0) return undefined;
  // The first answer: from the first comment up to the next one that starts with a status.
  const first = [comments[0].replace(/^\d{3} /, '')];
  for (const line of comments.slice(1)) {
    if (/^\d{3} /.test(line)) break;
    first.push(line.trim());
  }
  return { commands, answer: JSON.parse(first.join('')) as Record<string, unknown> };
}

describeWithTools('README examples against dev mode', () => {
  let cwd: string;
  let service: ServiceProcess;
  let url: string;
  let key: string;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'chatwarden-readme-'));
    const port = await freePort();
    url = `http://localhost:${port}`;
    service = startService({ cwd, env: { PORT: String(port) } });
    [, key] = await waitForOutput(service, /Dev API key:\s+(cwk_\S+)/);
    await waitForOutput(service, /chatwarden is listening/);
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs every curl example of the README and gets the answers it shows', () => {
    const blocks = shellBlocks(readFileSync(resolve('README.md'), 'utf8'));
    const setup = blocks.find((block) => /^export CHATWARDEN=/m.test(block));
    expect(setup).toBeDefined();
    const examples = blocks.filter((block) => block !== setup).map(parseExample);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    let lastToken = '';
    for (const example of examples) {
      expect(example).toBeDefined();
      const { commands, answer } = example as Example;
      const script = `set -eu\n${setup}\n${commands}`
        .replaceAll('http://localhost:3000', url)
        .replaceAll('cwk_…', key)
        .replaceAll('eyJhbGciOiJkaXIi…', lastToken);
      const output = execFileSync('bash', ['-c', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
      const actual = JSON.parse(output) as Record<string, unknown>;
      expect(Object.keys(actual).sort()).toEqual(Object.keys(answer).sort());
      for (const field of STATED.filter((f) => f in answer)) expect(actual[field]).toEqual(answer[field]);
      if (typeof actual.token === 'string') lastToken = actual.token;
    }
  }, 120_000);
});
