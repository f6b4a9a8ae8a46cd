/**
 * The login page with `login.directory` against a real slapd: directory
 * users sign in through POST /login and their groups become the token's
 * permissions; the users file is asked first; failures are the same uniform
 * page, counted by the same lockout, audited with their reason; a stopped or
 * hung directory makes the login page say sign-in is unavailable (503) while
 * the verify routes keep answering and /health/ready reports it; the
 * directory coming back needs no restart. `config check --connect` tries
 * the service bind (needs `npm run build`).
 */
import { jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { AuditLog } from '../src/observability/audit-log.js';
import { cliUsers, formToken, LOCKOUT, resultData } from './login-support.js';
import { eventually } from './store/redis-processes.js';
import { runCli } from './support/cli.js';
import {
  CUSTOMERS_GROUP,
  PASSWORDS,
  PEOPLE,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SUPPORT_GROUP,
  SlapdServer,
  seedDirectory,
  slapdAvailable,
} from './support/slapd.js';
import { baseConfig, startTestApp, type TestApp } from './support/test-app.js';

const describeWithSlapd = slapdAvailable() ? describe : describe.skip;
const SHOP = 'https://shop.example.com';
const FILE_PASSWORD = 'file password of bob';
const ENV = { LDAP_BIND_PASSWORD: SERVICE_PASSWORD };

function directorySettings(server: SlapdServer): Record<string, unknown> {
  return {
    url: server.ldapUrl,
    startTls: true,
    caFile: server.caFile,
    bindDn: SERVICE_DN,
    bindPassword: { env: 'LDAP_BIND_PASSWORD' },
    userBase: PEOPLE,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    disabledFilter: '(employeeType=disabled)',
    roleMap: { [SUPPORT_GROUP.toUpperCase()]: 'support', [CUSTOMERS_GROUP]: 'customer' },
    profile: { email: 'mail', name: 'cn' },
    timeouts: { connectMs: 2000, operationMs: 1500 },
  };
}

describeWithSlapd('login with a directory', () => {
  const server = new SlapdServer();
  let t: TestApp;
  let ipCounter = 0;
  const freshIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    await server.start();
    await seedDirectory(server);
    t = await startTestApp((config) => {
      config.login = { local: true, lockout: LOCKOUT, directory: directorySettings(server) };
      config.trustProxy = ['127.0.0.1/32'];
    }, ENV);
    // bob is in the users file too, with another password: the file decides for him.
    await cliUsers(t.config).add('bob', ['customer'], FILE_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    await server.destroy();
  });

  async function submit(username: string, password: string, ip = freshIp()) {
    const page = await request(t.url).get('/login').query({ bot: 'shop', origin: SHOP, mode: 'iframe' }).set('x-forwarded-for', ip);
    expect(page.status).toBe(200);
    return request(t.url)
      .post('/login')
      .set('x-forwarded-for', ip)
      .type('form')
      .send({ formToken: formToken(page.text), username, password });
  }

  const verify = (token: string) => request(t.url).post('/v1/verify/token').set({ authorization: `Bearer ${t.apiKeys.verify}` }).send({ token, bot: 'shop' });

  function failureReasons(audit: jest.SpiedFunction<AuditLog['record']>) {
    return audit.mock.calls.filter(([event]) => event === 'login.failure').map(([, fields]) => fields?.reason);
  }

  it('signs in a directory user; mapped groups become roles (DNs compared case-insensitively)', async () => {
    const response = await submit('Alice', PASSWORDS.alice);
    expect(response.status).toBe(200);
    const verified = await verify(resultData(response.text).token);
    expect(verified.status).toBe(200);
    // support + customer (the unmapped group grants nothing).
    expect(verified.body).toMatchObject({ subject: 'alice', authMethod: 'pwd' });
    expect(verified.body.permissions).toEqual(['account:read', 'account:write', 'orders:read', 'orders:refund']);
  });

  it('answers wrong password, unknown user, injection, blank password, ambiguous and disabled alike, each audited with its reason', async () => {
    const audit = jest.spyOn(t.app.get(AuditLog), 'record');
    try {
      const attempts: Array<[string, string]> = [
        ['alice', 'not her password'],
        ['nobody', PASSWORDS.alice],
        ['al*', PASSWORDS.alice],
        ['alice)(uid=*', PASSWORDS.alice],
        ['alice', '   '],
        ['twin', PASSWORDS.twin],
        ['dave', PASSWORDS.dave],
      ];
      const pages: string[] = [];
      for (const [username, password] of attempts) {
        const response = await submit(username, password);
        expect(response.status).toBe(401);
        expect(response.text).toMatch(/The username or password is not correct\./);
        // The same page apart from the fresh form token and the echoed username.
        pages.push(response.text.replace(/ value="[^"]*"/g, ''));
      }
      expect(new Set(pages).size).toBe(1);
      expect(failureReasons(audit)).toEqual(['wrong_password', 'unknown_user', 'unknown_user', 'unknown_user', 'empty_password', 'ambiguous', 'disabled']);
      expect(audit.mock.calls.filter(([event]) => event === 'login.failure').every(([, f]) => f?.source === 'directory')).toBe(true);
      expect(JSON.stringify(audit.mock.calls)).not.toMatch(/not her password|alice-pass/);
    } finally {
      audit.mockRestore();
    }
  });

  it('asks the users file first: a name it holds is decided there', async () => {
    expect((await submit('bob', PASSWORDS.bob)).status).toBe(401);
    const response = await submit('bob', FILE_PASSWORD);
    expect(response.status).toBe(200);
    expect((await verify(resultData(response.text).token)).body.permissions).toEqual(['account:read', 'orders:read']);
  });

  it('locks a directory account like a local one (the account from one address)', async () => {
    const ip = freshIp();
    for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) expect((await submit('dara', `wrong ${i}`, ip)).status).toBe(401);
    expect((await submit('dara', 'wrong again', ip)).status).toBe(429);
    expect((await submit('dara', PASSWORDS.dara, ip)).status).toBe(429);
  });

  describe('the directory down', () => {
    let token: string;
    beforeAll(async () => {
      token = resultData((await submit('alice', PASSWORDS.alice)).text).token;
    });

    async function expectUnavailable() {
      const response = await submit('alice', PASSWORDS.alice);
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toMatch(/Sign-in is unavailable right now\. Please try again in a moment\./);
      expect(response.text).not.toMatch(/ldap|127\.0\.0\.1|ECONNREFUSED|stack/i);
      // Verify routes do not need the directory.
      expect((await verify(token)).status).toBe(200);
      const ready = await request(t.url).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.directory.status).toBe('down');
      // Users of the file still sign in.
      expect((await submit('bob', FILE_PASSWORD)).status).toBe(200);
    }

    it('stopped: 503 on the login page, verify and file users unaffected; restarted: sign-in works again without a restart', async () => {
      expect((await request(t.url).get('/health/ready')).body.details.directory).toEqual({ status: 'up' });
      const audit = jest.spyOn(t.app.get(AuditLog), 'record');
      await server.stop();
      try {
        await expectUnavailable();
        expect(failureReasons(audit)).toContain('directory_unavailable');
      } finally {
        audit.mockRestore();
        await server.restart();
      }
      await eventually(async () => expect((await submit('alice', PASSWORDS.alice)).status).toBe(200), 15_000, 200);
      expect((await request(t.url).get('/health/ready')).body.details.directory).toEqual({ status: 'up' });
    });

    it('hung: the operation times out to the same 503, then sign-in works again', async () => {
      server.pause();
      try {
        await expectUnavailable();
      } finally {
        server.resume();
      }
      await eventually(async () => expect((await submit('alice', PASSWORDS.alice)).status).toBe(200), 15_000, 200);
    });

    it('does not count "unavailable" towards lockout', async () => {
      await server.stop();
      try {
        for (let i = 0; i < LOCKOUT.maxFailures + 1; i++) expect((await submit('alice', PASSWORDS.alice)).status).toBe(503);
      } finally {
        await server.restart();
      }
      await eventually(async () => expect((await submit('alice', PASSWORDS.alice)).status).toBe(200), 15_000, 200);
    });
  });

  describe('config check --connect (built CLI)', () => {
    function writeConfig(directory: Record<string, unknown>): string {
      const path = join(t.keysDir, '..', `check-${Math.random().toString(36).slice(2)}.yaml`);
      const config = baseConfig(t.keysDir);
      config.login = { local: true, directory };
      writeFileSync(path, stringify(config));
      return path;
    }

    // Each run boots the CLI (seconds on a loaded machine): one run per test, with room.
    it('binds as the service account and says so', async () => {
      const good = await runCli(['config', 'check', '--connect', '--json', '--config', writeConfig(directorySettings(server))], { env: ENV });
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ valid: true, directory: 'ok' });
    }, 60_000);

    it('a refused service bind fails the command without printing the password', async () => {
      const bad = await runCli(['config', 'check', '--connect', '--json', '--config', writeConfig(directorySettings(server))], {
        env: { LDAP_BIND_PASSWORD: 'wrong-service-password' },
      });
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ valid: true, directory: 'unreachable' });
      expect(bad.stdout + bad.stderr).toMatch(/service account \(bindDn\/bindPassword\) was refused/);
      expect(bad.stdout + bad.stderr).not.toContain('wrong-service-password');
    }, 60_000);

    it('`users list` says it shows the users file only', async () => {
      const listed = await runCli(['users', 'list', '--config', writeConfig(directorySettings(server))], { env: ENV });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('the users file only: users of login.directory are managed in the directory');
    }, 60_000);

    it('without --connect nothing is contacted', async () => {
      const offline = await runCli(['config', 'check', '--json', '--config', writeConfig(directorySettings(server))], {
        env: { LDAP_BIND_PASSWORD: 'wrong-service-password' },
      });
      expect(offline.code).toBe(0);
      expect(JSON.parse(offline.stdout).directory).toBeUndefined();
    }, 60_000);
  });
});
