import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { KeysDir } from '../keys/keys-dir.js';
import { SecretStore } from './secret.store.js';
import { SECRETS_FILE } from './secrets-file.js';

const WHSEC = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const config = {
  bots: {
    shop: { origins: [], actions: {}, webhook: { scheme: 'chatbase', secrets: ['config-a', 'config-b'] } },
    events: { origins: [], actions: {}, webhook: { scheme: 'standard-webhooks', secrets: [WHSEC] } },
    ck: { origins: [], actions: {}, webhook: { scheme: 'convokraft', publicKey: 'x' } },
    plain: { origins: [], actions: {} },
  },
} as unknown as AppConfig;

let dir: string;
let keysDir: KeysDir;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secret-store-'));
  keysDir = new KeysDir(dir);
  now = Date.parse('2026-05-01T10:00:00Z');
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const store = () => new SecretStore(config, keysDir);
const ids = (secrets: { id: string }[]) => secrets.map((secret) => secret.id);

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('SecretStore as the verifiers see it', () => {
  it('lists config secrets first, then CLI secrets oldest first; an unknown bot has none', async () => {
    const secrets = store();
    const first = await secrets.add('shop', 'added-one');
    now += 1000;
    const second = await secrets.add('shop', 'added-two');
    now += 1000;
    expect(secrets.secretsFor('shop')).toEqual([
      { id: 'config-0', value: 'config-a' },
      { id: 'config-1', value: 'config-b' },
      { id: first.secret.id, value: 'added-one' },
      { id: second.secret.id, value: 'added-two' },
    ]);
    expect(secrets.secretsFor('nope')).toEqual([]);
    expect(secrets.secretsFor('plain')).toEqual([]);
  });

  it('looks at the file at most once a second, and sees another process write after that', async () => {
    const reader = store();
    const stamp = jest.spyOn(keysDir, 'stamp');
    expect(ids(reader.secretsFor('shop'))).toEqual(['config-0', 'config-1']);
    for (let i = 0; i < 1000; i++) reader.secretsFor('shop');
    expect(stamp).toHaveBeenCalledTimes(1);

    const added = await new SecretStore(config, new KeysDir(dir)).add('shop', 'from-the-cli');
    now += 500;
    expect(ids(reader.secretsFor('shop'))).not.toContain(added.secret.id);
    now += 500;
    expect(ids(reader.secretsFor('shop'))).toContain(added.secret.id);
    expect(stamp).toHaveBeenCalledTimes(2);
  });

  it('honours a retirement time to the millisecond without any file change', async () => {
    const secrets = store();
    const { secret } = await secrets.add('shop', 'old-one');
    await secrets.retire('shop', secret.id, 60);
    const stamp = jest.spyOn(keysDir, 'stamp');
    now += 59_999;
    expect(ids(secrets.secretsFor('shop'))).toContain(secret.id);
    now += 1;
    expect(ids(secrets.secretsFor('shop'))).not.toContain(secret.id);
    // 60 s passed, so the stamp was looked at again, but the file did not change.
    expect(stamp.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('keeps the last good secrets when the file turns unreadable, and logs once without its content', async () => {
    const secrets = store();
    const { secret } = await secrets.add('shop', 'good-secret');
    expect(ids(secrets.secretsFor('shop'))).toContain(secret.id);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    writeFileSync(join(dir, SECRETS_FILE), '{"bots":{"shop":[{"id":"cli-x","value":"leaked-secret-value"');
    for (let i = 0; i < 3; i++) {
      now += 1000;
      expect(ids(secrets.secretsFor('shop'))).toContain(secret.id);
    }
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls)).not.toContain('leaked-secret-value');
    expect(JSON.stringify(logged.mock.calls)).toContain('not valid');
  });

  it('a file of the wrong shape is refused by the CLI side with a clear error, never echoing it', async () => {
    writeFileSync(join(dir, SECRETS_FILE), JSON.stringify({ bots: { shop: [{ id: 'cli-1', value: 42, createdAt: 'x' }] } }));
    const error = await failure(() => store().list('shop'));
    expect(error).toMatchObject({ code: 'secrets_file_invalid' });
    expect(error.detail).toMatch(/secrets\.json in the keys dir is not valid/);
    writeFileSync(join(dir, SECRETS_FILE), '{not json "super-secret"');
    const syntax = await failure(store().add('shop', 'x'));
    expect(syntax.code).toBe('secrets_file_invalid');
    expect(JSON.stringify([syntax.message, syntax.detail])).not.toContain('super-secret');
  });
});

describe('SecretStore for the CLI', () => {
  it('adds a trimmed value, or generates one in the scheme format; list never shows a value', async () => {
    const secrets = store();
    const pasted = await secrets.add('shop', '  pasted-secret\n');
    expect(pasted.value).toBe('pasted-secret');
    const generated = await secrets.add('events', undefined);
    expect(generated.value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = JSON.stringify([secrets.list('shop'), secrets.list('events')]);
    expect(listed).not.toContain('pasted-secret');
    expect(listed).not.toContain(generated.value);
    expect(listed).not.toContain(WHSEC);
    expect(secrets.list('shop').map((s) => [s.id, s.source, s.state])).toEqual([
      ['config-0', 'config', 'live'],
      ['config-1', 'config', 'live'],
      [pasted.secret.id, 'cli', 'live'],
    ]);
  });

  it('refuses values the scheme cannot use, and generation where the vendor issues the secret', async () => {
    const secrets = store();
    expect((await failure(secrets.add('events', 'plain-text'))).detail).toMatch(/must be a whsec_/);
    expect((await failure(secrets.add('ck', 'not a key'))).detail).toMatch(/DSA public key/);
    expect((await failure(secrets.add('shop', 'two\nlines'))).detail).toMatch(/control characters/);
    expect((await failure(secrets.add('shop', '   '))).detail).toMatch(/is empty/);
    expect((await failure(secrets.add('shop', undefined))).code).toBe('secret_not_generated');
    expect((await failure(secrets.add('ghost', 'x'))).detail).toMatch(/unknown bot "ghost" \(configured bots: shop, events, ck, plain\)/);
    expect((await failure(secrets.add('plain', 'x'))).code).toBe('webhook_not_configured');
  });

  it('retire brings an end forward but never pushes it back, and counts what stays live', async () => {
    const secrets = store();
    const { secret } = await secrets.add('shop', 'rotating');
    const later = await secrets.retire('shop', secret.id, 600);
    expect(later.secret).toMatchObject({ state: 'retiring', retireAt: new Date(now + 600_000).toISOString() });
    expect(later.remaining).toBe(2);
    expect((await secrets.retire('shop', secret.id, 3600)).secret.retireAt).toBe(later.secret.retireAt);
    expect((await secrets.retire('shop', secret.id, 60)).secret.retireAt).toBe(new Date(now + 60_000).toISOString());
    const nowRetired = await secrets.retire('shop', secret.id);
    expect(nowRetired.secret.state).toBe('retired');
  });

  it('drops the value of a retired secret at the next write', async () => {
    const secrets = store();
    const { secret } = await secrets.add('shop', 'short-lived');
    await secrets.retire('shop', secret.id);
    await secrets.add('shop', 'next-one');
    const file = keysDir.read<{ bots: Record<string, Array<{ id: string; value?: string }>> }>(SECRETS_FILE, { bots: {} });
    expect(file.bots.shop.find((s) => s.id === secret.id)).toEqual({ id: secret.id, createdAt: expect.any(String), retireAt: expect.any(String) });
    expect(secrets.list('shop').find((s) => s.id === secret.id)?.state).toBe('retired');
  });

  it('refuses to retire a config secret or an unknown id', async () => {
    const secrets = store();
    expect((await failure(secrets.retire('shop', 'config-1'))).detail).toBe(
      'config-1 comes from the config file (bots.shop.webhook.secrets[1]): remove it there and restart',
    );
    expect((await failure(secrets.retire('shop', 'cli-00000000'))).code).toBe('secret_not_found');
  });
});
