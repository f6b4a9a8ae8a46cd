import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { KeysDir } from '../keys/keys-dir.js';
import { PasswordHasher } from './password-hasher.js';
import { normalizeUsername, UsersService } from './users.service.js';

describe('UsersService', () => {
  let dir: string;
  const config = (usersFile?: string) => ({ login: { usersFile }, roles: { customer: ['orders:read'], support: [] } }) as unknown as AppConfig;
  const service = (usersFile?: string) => new UsersService(config(usersFile), new KeysDir(join(dir, 'keys')), new PasswordHasher());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatwarden-users-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores only an argon2id hash, in a 0600 file', async () => {
    const users = service();
    await users.add('Alice', ['customer'], 'correct horse battery');
    const path = join(dir, 'keys', 'users.json');
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct horse battery');
    expect(text).toContain('$argon2id$');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(users.list()).toEqual([expect.objectContaining({ username: 'alice', roles: ['customer'], disabled: false })]);
    expect(JSON.stringify(users.list())).not.toContain('argon2');
  });

  it('generates a password when none is given', async () => {
    const { generatedPassword } = await service().add('bob', ['customer']);
    expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  it('refuses duplicates, unknown roles, bad names and short passwords', async () => {
    const users = service();
    await users.add('bob', ['customer'], 'long enough');
    await expect(users.add('BOB', ['customer'], 'long enough')).rejects.toMatchObject({ code: 'user_exists' });
    await expect(users.add('carol', ['admin'], 'long enough')).rejects.toMatchObject({ code: 'unknown_role' });
    await expect(users.add('has space', ['customer'], 'long enough')).rejects.toMatchObject({ code: 'invalid_username' });
    await expect(users.add('carol', ['customer'], 'short')).rejects.toMatchObject({ code: 'invalid_password' });
    await expect(users.setPassword('nobody', 'long enough')).rejects.toMatchObject({ code: 'user_not_found' });
    await expect(users.remove('nobody')).rejects.toMatchObject({ code: 'user_not_found' });
  });

  it('sees changes written by another process without a restart', async () => {
    const running = service();
    expect(running.find('dave')).toBeUndefined();
    await service().add('dave', ['customer'], 'long enough');
    expect(running.find('DAVE')?.username).toBe('dave');
    await service().setDisabled('dave', true);
    expect(running.find('dave')?.disabled).toBe(true);
    await service().remove('dave');
    expect(running.find('dave')).toBeUndefined();
  });

  it('uses login.usersFile when set, and refuses a file name that is not plain name.json', async () => {
    const users = service(join(dir, 'elsewhere', 'people.json'));
    await users.add('erin', ['customer'], 'long enough');
    expect(readFileSync(join(dir, 'elsewhere', 'people.json'), 'utf8')).toContain('"erin"');
    expect(() => service(join(dir, 'Users File.json'))).toThrow(/not a keys-dir file name/);
  });

  it('keeps two concurrent writers from losing an update', async () => {
    await Promise.all(['u1', 'u2', 'u3', 'u4'].map((name) => service().add(name, ['customer'], 'long enough')));
    expect(service().list().map((u) => u.username).sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('normalizes usernames to one spelling', () => {
    expect(normalizeUsername('  Alice ')).toBe('alice');
    expect(normalizeUsername('ＡＬＩＣＥ')).toBe('alice');
  });
});
