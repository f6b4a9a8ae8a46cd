/**
 * `chatwarden secrets` through the real binary, next to a running instance
 * sharing the keys dir: a generated secret is printed once and never again,
 * a new secret verifies on the running instance without a restart, a
 * retirement with an overlap window lets old and new verify together and
 * then only the new one, and every mistake exits 1 with a clear message.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { runCli } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CONFIG_WHSEC = `whsec_${Buffer.alloc(32, 0x11).toString('base64')}`;
const SLACK_SECRET = 'slack-config-secret';
const origins = ['https://shop.example.com'];

let t: TestApp;
let configPath: string;

beforeAll(async () => {
  t = await startTestApp((raw) => {
    Object.assign(raw.bots as Record<string, unknown>, {
      events: { origins, webhook: { scheme: 'standard-webhooks', secrets: [CONFIG_WHSEC] } },
      slackbot: { origins, webhook: { scheme: 'slack', secrets: [SLACK_SECRET] } },
      teams: { origins, webhook: { scheme: 'botframework', appId: 'app-1', metadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration' } },
    });
  });
  // The file the test app was started from: the CLI reads the same bots and keys dir.
  configPath = join(t.keysDir, '..', 'chatwarden.yaml');
});

afterAll(() => t?.close());

const cli = (args: string[], input?: string) =>
  runCli(['--config', configPath, ...args], { env: { CHATWARDEN_LOG_LEVEL: 'info' }, ...(input !== undefined && { input }) });

let sequence = 0;
/** A Standard Webhooks delivery signed with `secret`, as the handler forwards it. */
function delivery(secret: string) {
  const id = `msg_e2e_${++sequence}`;
  const at = new Date();
  const body = JSON.stringify({ type: 'order.shipped', n: sequence });
  return {
    bot: 'events',
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) },
    body,
  };
}

function verify(payload: object) {
  return request(t.url).post('/v1/verify/signature').set('authorization', `Bearer ${t.apiKeys.verify}`).send(payload);
}

/** The answer for a fresh delivery signed with `secret` once the instance agrees with `expected` (it re-reads the file within a second). */
async function settle(secret: string, expected: number, ms = 3000): Promise<request.Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await verify(delivery(secret));
    if (response.status === expected || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('rotation through the CLI, seen by the running instance', () => {
  let added: { id: string; value: string };

  it('add --generate prints a whsec_ secret exactly once, audits it, and stores the file 0600', async () => {
    const result = await cli(['secrets', 'add', 'events', '--generate', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { secret: { id: string; state: string; source: string }; value: string };
    expect(out.value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(out.secret).toMatchObject({ id: expect.stringMatching(/^cli-[0-9a-f]{8}$/), state: 'live', source: 'cli' });
    expect(result.stdout.split(out.value)).toHaveLength(2);
    expect(result.stderr).not.toContain(out.value);
    expect(result.stderr).toContain('"event":"secret.add"');
    expect(result.stderr).toContain(out.secret.id);
    expect(statSync(join(t.keysDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    added = { id: out.secret.id, value: out.value };
  });

  it('the new secret verifies without a restart, and the config secret still does', async () => {
    const response = await settle(added.value, 200);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: true, secretId: added.id });
    expect((await verify(delivery(CONFIG_WHSEC))).body).toMatchObject({ valid: true, secretId: 'config-0' });
  });

  it('list shows ids, sources, states and dates, never a value', async () => {
    const human = await cli(['secrets', 'list', 'events']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/ID\s+SOURCE\s+STATE\s+CREATEDAT\s+RETIREAT/);
    expect(human.stdout).toMatch(/config-0\s+config\s+live/);
    expect(human.stdout).toMatch(new RegExp(`${added.id}\\s+cli\\s+live`));
    const json = await cli(['secrets', 'list', 'events', '--json']);
    expect(JSON.parse(json.stdout).secrets.map((s: { id: string }) => s.id)).toEqual(['config-0', added.id]);
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(added.value);
      expect(output).not.toContain(CONFIG_WHSEC);
      expect(output).not.toMatch(/whsec_/);
    }
  });

  it('retire --after keeps both secrets live for the overlap, then only the others', async () => {
    const second = JSON.parse((await cli(['secrets', 'add', 'events', '--generate', '--json'])).stdout) as { secret: { id: string }; value: string };
    // An overlap long enough for the CLI calls below on a loaded machine (each boots a process).
    const retired = await cli(['secrets', 'retire', 'events', added.id, '--after', '8']);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain(`${added.id} of bot events (retiring until`);
    expect(retired.stderr).toContain('"event":"secret.retire"');

    // During the overlap the vendor may still sign with the old secret.
    expect((await verify(delivery(added.value))).status).toBe(200);
    expect((await settle(second.value, 200)).status).toBe(200);
    const listed = JSON.parse((await cli(['secrets', 'list', 'events', '--json'])).stdout) as { secrets: Array<{ id: string; state: string }> };
    expect(listed.secrets.find((s) => s.id === added.id)?.state).toBe('retiring');

    const after = await settle(added.value, 401, 12_000);
    expect(after.body).toMatchObject({ valid: false, error: 'signature_invalid' });
    expect((await verify(delivery(second.value))).body).toMatchObject({ valid: true, secretId: second.secret.id });
    const later = JSON.parse((await cli(['secrets', 'list', 'events', '--json'])).stdout) as { secrets: Array<{ id: string; state: string }> };
    expect(later.secrets.find((s) => s.id === added.id)?.state).toBe('retired');
  }, 90_000);

  it('retire without --after ends a secret at once, and the next write drops its value from the file', async () => {
    const extra = JSON.parse((await cli(['secrets', 'add', 'events', '--generate', '--json'])).stdout) as { secret: { id: string }; value: string };
    expect((await settle(extra.value, 200)).status).toBe(200);
    expect((await cli(['secrets', 'retire', 'events', extra.secret.id])).code).toBe(0);
    expect((await settle(extra.value, 401)).status).toBe(401);
    expect((await cli(['secrets', 'add', 'events', '--generate'])).code).toBe(0);
    const file = readFileSync(join(t.keysDir, 'secrets.json'), 'utf8');
    expect(file).toContain(extra.secret.id);
    expect(file).not.toContain(extra.value);
    expect(file).not.toContain(added.value);
  });
});

describe('secrets the vendor issues', () => {
  it('add --stdin takes the pasted secret, prints nothing secret, and it verifies', async () => {
    const pasted = 'slack-rotated-signing-secret';
    const result = await cli(['secrets', 'add', 'slackbot', '--stdin'], `${pasted}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^added secret cli-[0-9a-f]{8} of bot slackbot \(live\)\n$/);
    expect(result.stdout + result.stderr).not.toContain(pasted);

    const ts = String(Math.floor(Date.now() / 1000));
    const body = '{"type":"event_callback"}';
    const forwarded = { bot: 'slackbot', headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${createHmac('sha256', pasted).update(`v0:${ts}:${body}`).digest('hex')}` }, body };
    const deadline = Date.now() + 3000;
    let response = await verify(forwarded);
    while (response.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await verify(forwarded);
    }
    expect(response.body).toMatchObject({ valid: true, scheme: 'slack', secretId: expect.stringMatching(/^cli-/) });
  });

  it('add --generate is refused with how to add the vendor secret instead', async () => {
    const result = await cli(['secrets', 'add', 'slackbot', '--generate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the vendor issues this secret.*--stdin/);
  });
});

describe('mistakes exit 1 with a clear message', () => {
  it.each([
    ['an unknown bot', ['secrets', 'add', 'ghost', '--generate'], /unknown bot "ghost" \(configured bots: .*events/],
    ['a bot without webhook settings', ['secrets', 'list', 'shop'], /bot shop has no webhook: block/],
    ['no source for the secret', ['secrets', 'add', 'events'], /--stdin .* or --generate/],
    ['both sources', ['secrets', 'add', 'events', '--stdin', '--generate'], /--stdin .* or --generate/],
    ['retiring a config secret', ['secrets', 'retire', 'events', 'config-0'], /comes from the config file \(bots\.events\.webhook\.secrets\[0\]\)/],
    ['retiring an unknown id', ['secrets', 'retire', 'events', 'cli-00000000'], /bot events has no secret cli-00000000/],
    ['an --after that is not a number', ['secrets', 'retire', 'events', 'config-0', '--after', 'soon'], /--after takes a whole number of seconds/],
    ['a scheme without secrets', ['secrets', 'add', 'teams', '--generate'], /scheme botframework .*has no secrets/],
    ['an unknown sub-command', ['secrets', 'rotate'], /unknown command 'rotate'/],
    ['a missing argument', ['secrets', 'retire', 'events'], /missing required argument/],
  ])('%s', async (_name, args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message as RegExp);
  });

  it('a value the scheme cannot use is refused without being echoed', async () => {
    const result = await cli(['secrets', 'add', 'events', '--stdin'], 'not a whsec secret\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the secret must be a whsec_… signing secret/);
    expect(result.stderr).not.toContain('not a whsec secret');
  });

  it('--json failures are one JSON object with the code', async () => {
    const result = await cli(['secrets', 'retire', 'events', 'cli-00000000', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ error: 'secret_not_found', message: expect.stringContaining('cli-00000000') });
  });

  it('--help explains each command and exits 0', async () => {
    const group = await cli(['secrets', '--help']);
    expect(group.code).toBe(0);
    for (const command of ['add', 'list', 'retire']) expect(group.stdout).toContain(command);
    const add = await cli(['secrets', 'add', '--help']);
    expect(add.stdout).toContain('--stdin');
    expect(add.stdout).toContain('--generate');
    expect((await cli(['secrets', 'retire', '--help'])).stdout).toContain('--after <seconds>');
  });
});
