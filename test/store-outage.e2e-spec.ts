/**
 * The service over a Redis that hangs, crashes and comes back: every check
 * that needs the store fails closed with 503 `store_unavailable` within about
 * a second, the service resumes by itself, and a revoked session stays
 * revoked across the Redis restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eventually, freePort, RedisServerProcess, redisBinariesAvailable } from './store/redis-processes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const describeWithRedis = redisBinariesAvailable() ? describe : describe.skip;

describeWithRedis('store outage', () => {
  let redis: RedisServerProcess;
  let dataDir: string;
  let t: TestApp;
  let token: string;
  let revokedToken: string;

  const verify = (value = token) => request(t.url).post('/v1/verify/token').set('authorization', `Bearer ${t.apiKeys.verify}`).send({ token: value, bot: 'shop' });
  const issue = () => request(t.url).post('/v1/tokens').set('authorization', `Bearer ${t.apiKeys.issue}`).send({ bot: 'shop', subject: 'erin' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatwarden-redis-'));
    // Append-only persistence, so a restarted Redis still knows the live sessions (and not the revoked ones).
    redis = new RedisServerProcess(await freePort(), ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir]);
    await redis.start();
    t = await startTestApp((config) => {
      config.store = `redis://127.0.0.1:${redis.port}`;
    });
    token = (await issue()).body.token;
    const revoked = (await issue()).body;
    revokedToken = revoked.token;
    await request(t.url).post('/v1/sessions/revoke').set('authorization', `Bearer ${t.apiKeys.revoke}`).send({ sessionId: revoked.sessionId }).expect(200);
  });
  afterAll(async () => {
    redis?.resume();
    await t?.close();
    await redis?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function expectStoreUnavailable(response: Promise<request.Response>) {
    const started = Date.now();
    const answer = await response;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('store_unavailable');
    expect(JSON.stringify(answer.body)).not.toMatch(/redis|127\.0\.0\.1|ECONNREFUSED|stack/i);
  }

  it('answers normally while Redis is up', async () => {
    expect((await verify()).body.valid).toBe(true);
    expect((await verify(revokedToken)).body.error).toBe('session_revoked');
  });

  it('a hung Redis: every check fails closed with 503, then service resumes by itself', async () => {
    redis.pause();
    await expectStoreUnavailable(verify());
    await expectStoreUnavailable(issue());
    await expectStoreUnavailable(request(t.url).post('/v1/tokens/refresh').send({ token }));
    await expectStoreUnavailable(request(t.url).post('/oauth/introspect').set('authorization', `Bearer ${t.apiKeys.verify}`).type('form').send({ token, bot: 'shop' }));
    const ready = await request(t.url).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.store.status).toBe('down');
    expect((await request(t.url).get('/health/live')).status).toBe(200);

    redis.resume();
    await eventually(async () => {
      const answer = await verify();
      if (answer.status !== 200) throw new Error(`still ${answer.status}`);
    }, 10_000);
    expect((await request(t.url).get('/health/ready')).status).toBe(200);
  });

  it('a crashed Redis: 503 while down; after restart live sessions work and revoked ones stay revoked', async () => {
    await redis.kill();
    await expectStoreUnavailable(verify());
    await expectStoreUnavailable(verify(revokedToken));

    await redis.start();
    await eventually(async () => {
      const answer = await verify();
      if (answer.status !== 200) throw new Error(`still ${answer.status}`);
    }, 10_000);
    const revoked = await verify(revokedToken);
    expect([revoked.status, revoked.body.error]).toEqual([401, 'session_revoked']);
  });
});
