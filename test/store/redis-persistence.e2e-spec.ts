/**
 * The start-up warning about Redis persistence, against real redis-server
 * processes: the shared Redis (started by CI with --appendonly no), private
 * servers with the append-only file off, on, on without fsync, with CONFIG
 * renamed away (managed Redis: INFO answers instead) and with a user allowed
 * neither CONFIG nor INFO. Also checks that the HTTP application runs the check
 * when it starts, through its own log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { RedisPersistenceCheck } from '../../src/store/redis-persistence-check.js';
import { RedisStore } from '../../src/store/redis.store.js';
import { captureLogger } from '../log-scan.js';
import { redisAvailable, redisUrl } from '../support/services.js';
import { baseConfig } from '../support/test-app.js';
import { freePort, redisBinariesAvailable, redisCli, RedisServerProcess } from './redis-processes.js';

const binaries = redisBinariesAvailable();
const suite = binaries ? describe : describe.skip;

suite('Redis persistence warning at start', () => {
  let dir: string;
  const servers: RedisServerProcess[] = [];
  const stores: RedisStore[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chatwarden-persistence-'));
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(servers.map((server) => server.kill()));
    await rm(dir, { recursive: true, force: true });
  });

  /** A private redis-server with these options, its data files in its own folder of the temp dir. */
  async function server(args: string[], configLines: string[] = []): Promise<number> {
    const port = await freePort();
    const data = await mkdtemp(join(dir, `redis-${port}-`));
    let configFile: string | undefined;
    if (configLines.length > 0) {
      configFile = join(data, 'redis.conf');
      await writeFile(configFile, `${configLines.join('\n')}\n`);
    }
    const process = new RedisServerProcess(port, ['--dir', data, ...args], configFile);
    servers.push(process);
    await process.start();
    return port;
  }

  function store(url: string): RedisStore {
    const created = new RedisStore(url, { keyPrefix: `cw-test-persistence-${Date.now()}:` });
    stores.push(created);
    return created;
  }

  /** What the start-up check logs for `url`: the warning lines only. */
  async function startupWarnings(url: string): Promise<Array<Record<string, unknown>>> {
    const { logger, capture } = captureLogger('info');
    const check = new RedisPersistenceCheck(store(url), logger);
    check.onApplicationBootstrap();
    await check.done;
    return capture.records().filter((record) => record.level === 40);
  }

  it('warns once, naming the fix, when the append-only file is off', async () => {
    const port = await server(['--appendonly', 'no']);
    await expect(store(`redis://127.0.0.1:${port}`).persistence()).resolves.toEqual({ state: 'off', detail: 'appendonly no' });
    const warnings = await startupWarnings(`redis://127.0.0.1:${port}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ redisPersistence: 'off' });
    expect(String(warnings[0]?.msg)).toMatch(/persistence is off .*--appendonly yes --appendfsync everysec/);
  });

  it('says nothing with the append-only file on and fsync every second or always', async () => {
    for (const fsync of ['everysec', 'always']) {
      const port = await server(['--appendonly', 'yes', '--appendfsync', fsync]);
      await expect(store(`redis://127.0.0.1:${port}`).persistence()).resolves.toMatchObject({ state: 'on' });
      expect(await startupWarnings(`redis://127.0.0.1:${port}`)).toEqual([]);
    }
  });

  it('warns when the append-only file is never fsynced by Redis (appendfsync no)', async () => {
    const port = await server(['--appendonly', 'yes', '--appendfsync', 'no']);
    const warnings = await startupWarnings(`redis://127.0.0.1:${port}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ redisPersistence: 'weak' });
  });

  it('falls back to INFO persistence where CONFIG is refused (managed Redis)', async () => {
    const off = await server(['--appendonly', 'no'], ['rename-command CONFIG ""']);
    await expect(redisCli(off, 'CONFIG', 'GET', 'appendonly')).resolves.toMatch(/unknown command/i);
    await expect(store(`redis://127.0.0.1:${off}`).persistence()).resolves.toMatchObject({ state: 'off', detail: expect.stringMatching(/INFO/) });
    expect(await startupWarnings(`redis://127.0.0.1:${off}`)).toHaveLength(1);

    const on = await server(['--appendonly', 'yes'], ['rename-command CONFIG ""']);
    await expect(store(`redis://127.0.0.1:${on}`).persistence()).resolves.toMatchObject({ state: 'on' });
    expect(await startupWarnings(`redis://127.0.0.1:${on}`)).toEqual([]);
  });

  it('says it could not check when neither CONFIG nor INFO is allowed', async () => {
    const port = await server(['--appendonly', 'yes'], ['user default on nopass ~* &* +@all', 'user probe on >probe-password ~* &* +@all -config -info']);
    const url = `redis://probe:probe-password@127.0.0.1:${port}`;
    await expect(store(url).persistence()).resolves.toMatchObject({ state: 'unknown' });
    const warnings = await startupWarnings(url);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/could not be checked/);
    expect(JSON.stringify(warnings)).not.toContain('probe-password');
  });

  it('the shared Redis: warns exactly when its own CONFIG says appendonly is off', async () => {
    if (!(await redisAvailable())) return;
    const { port } = new URL(redisUrl);
    const appendonly = (await redisCli(Number(port || 6379), 'CONFIG', 'GET', 'appendonly')).split('\n')[1]?.trim();
    // .ci/run starts it with --appendonly no; a Redis that was already running decides for itself.
    const warnings = await startupWarnings(redisUrl);
    expect(warnings.map((warning) => warning.redisPersistence)).toEqual(appendonly === 'no' ? ['off'] : []);
  });

  it('the HTTP application runs the check when it starts', async () => {
    for (const [appendonly, expected] of [['no', 1], ['yes', 0]] as const) {
      const port = await server(['--appendonly', appendonly]);
      const home = await mkdtemp(join(dir, 'app-'));
      const path = join(home, 'chatwarden.yaml');
      await writeFile(path, stringify({ ...baseConfig(join(home, 'keys')), store: `redis://127.0.0.1:${port}`, logLevel: 'info' }));
      const config = loadConfig({ path, env: {} });
      const { logger, capture } = captureLogger('info');
      const app = await createApp(config, logger, { docsUi: false });
      await app.init();
      await app.get(RedisPersistenceCheck).done;
      await app.close();
      const warnings = capture.records().filter((record) => record.redisPersistence !== undefined);
      expect(warnings).toHaveLength(expected);
    }
  });
});
