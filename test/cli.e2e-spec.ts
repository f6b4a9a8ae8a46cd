/**
 * The admin CLI through the real binary, next to a running instance that
 * shares the keys dir and a real Redis: output, --json, exit status, keys
 * picked up without restart, revocation seen by the service, and a generated
 * secret printed exactly once.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { runCli } from './support/cli.js';
import { redisAvailable, redisUrl } from './support/services.js';
import { baseConfig, startTestApp, type TestApp } from './support/test-app.js';

const haveRedis = await redisAvailable();
const describeWithRedis = haveRedis ? describe : describe.skip;

describeWithRedis('chatwarden CLI', () => {
  let t: TestApp;
  let configPath: string;
  const cli = (...args: string[]) => runCli(['--config', configPath, ...args], { env: { CHATWARDEN_LOG_LEVEL: 'info' } });

  beforeAll(async () => {
    t = await startTestApp((raw) => {
      raw.store = redisUrl;
    });
    configPath = join(t.keysDir, '..', 'cli.yaml');
    writeFileSync(configPath, stringify({ ...baseConfig(t.keysDir), store: redisUrl }));
  });
  afterAll(() => t?.close());

  it('--help works for a newcomer and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const group of ['keys', 'clients', 'tokens', 'sessions', 'config']) expect(result.stdout).toContain(group);
    const keysHelp = await runCli(['keys', 'rotate', '--help']);
    expect(keysHelp.code).toBe(0);
    expect(keysHelp.stdout).toContain('--activate-in');
  }, 120_000);

  it('config check validates and says what is wrong', async () => {
    const ok = await cli('config', 'check', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, bots: ['shop', 'other'] });
    const badPath = join(t.keysDir, '..', 'bad.yaml');
    writeFileSync(badPath, 'publicUrl: nope\nbots: {}\n');
    const bad = await runCli(['--config', badPath, 'config', 'check']);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/publicUrl/);
    expect(bad.stderr).toMatch(/configure at least one bot/);
  }, 120_000);

  it('clients add prints the key once, list never shows it, and the key works until revoked', async () => {
    const added = await cli('clients', 'add', 'orders-webhook', '--scopes', 'verify', '--json');
    expect(added.code).toBe(0);
    const { client, key } = JSON.parse(added.stdout) as { client: { id: string }; key: string };
    expect(key).toMatch(/^cwk_/);
    expect(added.stdout.split(key)).toHaveLength(2);
    expect(added.stderr).not.toContain(key);
    expect(added.stderr).toContain('"event":"client.add"');
    expect(added.stderr).toMatch(/"event":"cli.command".*"command":"clients add".*"outcome":"ok"/);

    const listed = await cli('clients', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('orders-webhook');
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toMatch(/keyHash|[0-9a-f]{64}/);

    const probe = () => request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${key}`).send({ token: '', bot: 'shop' });
    expect((await probe()).body.error).toBe('token_missing');
    expect((await cli('clients', 'revoke', client.id)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await probe()).body.error).toBe('api_key_invalid');
  }, 120_000);

  it('clients add --bots binds the key to configured bots, list shows them, unknown bots are refused', async () => {
    const added = await cli('clients', 'add', 'shop-webhook', '--scopes', 'verify', '--bots', 'shop', '--json');
    expect(added.code).toBe(0);
    const { client, key } = JSON.parse(added.stdout) as { client: { id: string; bots: string[] }; key: string };
    expect(client.bots).toEqual(['shop']);
    const listed = await cli('clients', 'list');
    expect(listed.stdout).toMatch(/BOTS/);
    expect(listed.stdout).toMatch(new RegExp(`${client.id}\\s+shop-webhook\\s+verify\\s+shop\\s`));

    // The service picks the binding up: the only bot is implied, any other is refused.
    const issued = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'bea' });
    const verify = (body: Record<string, unknown>) => request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${key}`).send({ token: issued.body.token, ...body });
    expect((await verify({})).body).toMatchObject({ valid: true, bot: 'shop' });
    expect((await verify({ bot: 'other' })).body.error).toBe('bot_not_allowed');

    const unknown = await cli('clients', 'add', 'typo', '--scopes', 'verify', '--bots', 'shop,hr,toString');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown bot\(s\): hr, toString; the config has: shop, other/);
  }, 90_000);

  it('fails with exit 1 and a clear message on bad input', async () => {
    const scopes = await cli('clients', 'add', 'x', '--scopes', 'root');
    expect(scopes.code).toBe(1);
    expect(scopes.stderr).toMatch(/scopes are a comma-separated list of verify, issue, revoke/);
    const missing = await cli('clients', 'revoke', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/"event":"cli.command".*"command":"clients revoke".*"outcome":"failed"/);
    const json = await cli('clients', 'revoke', 'nope', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'client_not_found' });
    const unknown = await cli('keys', 'explode');
    expect(unknown.code).not.toBe(0);
  }, 120_000);

  it('tokens issue/inspect and sessions revoke act on the same sessions as the service', async () => {
    const issued = await cli('tokens', 'issue', '--bot', 'shop', '--subject', 'carol', '--roles', 'customer', '--json');
    expect(issued.code).toBe(0);
    const { token } = JSON.parse(issued.stdout) as { token: string };
    const verify = () => request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token, bot: 'shop' });
    expect((await verify()).body).toMatchObject({ valid: true, subject: 'carol', authMethod: 'trusted' });

    const inspected = await cli('tokens', 'inspect', token, '--json');
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ status: 'valid', claims: { sub: 'carol', aud: 'shop' } });

    const revoked = await cli('sessions', 'revoke', '--user', 'carol', '--json');
    expect(JSON.parse(revoked.stdout).revoked).toBe(1);
    expect((await verify()).body.error).toBe('session_revoked');
    const after = await cli('tokens', 'inspect', token, '--json');
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout).status).toBe('session_revoked');
  }, 120_000);

  it('keys rotate is picked up by the running instance without restart; old tokens keep working', async () => {
    const before = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'dave' });
    const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
    const oldKid = kidOf(before.body.token);

    const tooSoon = await cli('keys', 'rotate', '--activate-in', '1');
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.stderr).toMatch(/at least \d+ seconds/);

    const rotated = await cli('keys', 'rotate', '--activate-in', '5', '--json');
    expect(rotated.code).toBe(0);
    const newKid = JSON.parse(rotated.stdout).key.kid as string;
    expect(JSON.parse(rotated.stdout).key.state).toBe('pending');
    const retireActive = await cli('keys', 'retire', oldKid);
    expect(retireActive.code).toBe(1);
    expect(retireActive.stderr).toMatch(/active key/);

    await new Promise((r) => setTimeout(r, 5500));
    const after = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'dave' });
    expect(kidOf(after.body.token)).toBe(newKid);
    const old = await request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token: before.body.token, bot: 'shop' });
    expect(old.body.valid).toBe(true);

    const list = JSON.parse((await cli('keys', 'list', '--json')).stdout) as { keys: Array<{ kid: string; state: string }> };
    expect(list.keys.find((k) => k.kid === oldKid)?.state).toBe('retiring');
    expect(list.keys.find((k) => k.kid === newKid)?.state).toBe('active');
    const prune = await cli('keys', 'prune', '--json');
    expect(JSON.parse(prune.stdout)).toEqual({ removed: [] });
  }, 120_000);
});

/**
 * Without Redis: a memory:// store (dev mode, one instance), config files
 * named but missing, paths relative to the config file, and config check
 * judging as production.
 */
describe('chatwarden CLI, store and config', () => {
  let t: TestApp;
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = join(t.keysDir, '..');
    configPath = join(dir, 'chatwarden.yaml');
  });
  afterAll(() => t?.close());

  it('with a memory:// store refuses sessions revoke and tokens issue (exit 1, naming the fix) while the service keeps its session', async () => {
    const issued = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'mallory' });
    const verify = () => request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token: issued.body.token, bot: 'shop' });
    expect((await verify()).body.valid).toBe(true);

    const revoke = await runCli(['--config', configPath, 'sessions', 'revoke', '--user', 'mallory']);
    expect(revoke.code).toBe(1);
    expect(revoke.stdout).not.toMatch(/revoked/);
    expect(revoke.stderr).toMatch(/memory:\/\/.*POST \/v1\/sessions\/revoke.*Redis/s);
    const revokeJson = await runCli(['--config', configPath, '--json', 'sessions', 'revoke', '--session', issued.body.sessionId]);
    expect(revokeJson.code).toBe(1);
    expect(JSON.parse(revokeJson.stdout)).toMatchObject({ error: 'store_not_shared' });
    expect((await verify()).body.valid).toBe(true);

    const issue = await runCli(['--config', configPath, '--json', 'tokens', 'issue', '--bot', 'shop', '--subject', 'mallory']);
    expect(issue.code).toBe(1);
    expect(JSON.parse(issue.stdout)).toMatchObject({ error: 'store_not_shared' });
    expect(JSON.parse(issue.stdout).message).toMatch(/POST \/v1\/tokens/);
  }, 120_000);

  it('with a memory:// store, tokens inspect shows the claims but says the session state is unknown (exit 1)', async () => {
    const issued = await request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'nina' });
    const inspected = await runCli(['--config', configPath, '--json', 'tokens', 'inspect', issued.body.token]);
    expect(inspected.code).toBe(1);
    const data = JSON.parse(inspected.stdout);
    expect(data).toMatchObject({ status: 'session_unknown', claims: { sub: 'nina', aud: 'shop', sid: issued.body.sessionId } });
    expect(data.note).toMatch(/memory:\/\//);
    const human = await runCli(['--config', configPath, 'tokens', 'inspect', issued.body.token]);
    expect(human.stdout).toMatch(/status: session_unknown/);
    expect(human.stdout).not.toMatch(/session_revoked/);
  }, 120_000);

  it('a named config file that does not exist is exit 78 (--config and CHATWARDEN_CONFIG), and creates nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'chatwarden-cli-cwd-'));
    try {
      const flag = await runCli(['--config', join(cwd, 'typo.yaml'), 'keys', 'list'], { cwd });
      expect(flag.code).toBe(78);
      expect(flag.stderr).toMatch(/no config file at .*typo\.yaml \(named by --config\)/);
      const check = await runCli(['config', 'check'], { cwd, env: { CHATWARDEN_CONFIG: join(cwd, 'typo.yaml') } });
      expect(check.code).toBe(78);
      expect(check.stderr).toMatch(/named by CHATWARDEN_CONFIG/);
      expect(check.stdout).not.toMatch(/valid/);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('config check judges as production (literal secrets are errors) unless --dev', async () => {
    const literal = join(dir, 'literal.yaml');
    writeFileSync(literal, stringify({ ...baseConfig(t.keysDir), bots: { shop: { origins: ['https://shop.example.com'], webhook: { scheme: 'chatbase', secrets: ['a-literal-secret'] } } } }));
    const strict = await runCli(['--config', literal, 'config', 'check']);
    expect(strict.code).toBe(78);
    expect(strict.stderr).toMatch(/bots\.shop\.webhook\.secrets\.0: literal secrets are refused/);
    expect(strict.stderr).not.toContain('a-literal-secret');
    const dev = await runCli(['--config', literal, 'config', 'check', '--dev', '--json']);
    expect(dev.code).toBe(0);
    expect(JSON.parse(dev.stdout)).toMatchObject({ valid: true, config: literal });
  }, 120_000);

  it("resolves relative paths from the config file's directory, wherever it runs, and says which config and keys dir it used", async () => {
    const home = mkdtempSync(join(tmpdir(), 'chatwarden-cli-home-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'chatwarden-cli-elsewhere-'));
    try {
      mkdirSync(join(home, 'etc'));
      const relative = join(home, 'etc', 'chatwarden.yaml');
      writeFileSync(relative, stringify({ ...baseConfig('../state/keys'), login: { usersFile: '../state/users.json' } }));
      const added = await runCli(['--config', relative, 'clients', 'add', 'site', '--scopes', 'verify'], { cwd: elsewhere });
      expect(added.code).toBe(0);
      expect(added.stderr).toContain(`config ${relative}, keys dir ${join(home, 'state', 'keys')}`);
      expect(existsSync(join(home, 'state', 'keys', 'clients.json'))).toBe(true);
      const user = await runCli(['--config', relative, 'users', 'add', 'zoe', '--roles', 'customer'], { cwd: elsewhere });
      expect(user.code).toBe(0);
      expect(existsSync(join(home, 'state', 'users.json'))).toBe(true);
      expect(readdirSync(elsewhere)).toEqual([]);

      // --json: stdout is the JSON document alone; the paths ride on the audit line.
      const listed = await runCli(['--config', relative, '--json', 'clients', 'list'], { cwd: elsewhere, env: { CHATWARDEN_LOG_LEVEL: 'info' } });
      expect(JSON.parse(listed.stdout).clients[0].name).toBe('site');
      expect(listed.stderr).toContain(`"keysDir":"${join(home, 'state', 'keys')}"`);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 120_000);

  it('an unknown command group is a usage error with the overview', async () => {
    const result = await runCli(['explode']);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/unknown command 'explode'/);
    expect(result.stderr).toMatch(/Groups:/);
  }, 120_000);
});
