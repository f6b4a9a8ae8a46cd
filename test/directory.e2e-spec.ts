/**
 * The LDAP adapter against a real OpenLDAP (Debian's slapd, started here on
 * private loopback ports): service bind, user search, bind as the user,
 * groups from memberOf or a group search, profile attributes; every bad
 * input of issue 15 (filter injection, blank password never bound, two
 * matching entries, disabled account, a DN with special characters); TLS
 * (ldaps:// and StartTLS with the CA file, refused without it); a stopped,
 * a hung and a restarted server.
 */
import { DirectoryConfig, DirectoryTimeouts } from '../src/directory/directory-config.js';
import { DirectoryUnavailableError, type DirectoryAnswer } from '../src/directory/directory.js';
import { LdaptsDirectory } from '../src/directory/ldapts.adapter.js';
import { eventually } from './store/redis-processes.js';
import {
  CUSTOMERS_GROUP,
  GROUPS,
  PASSWORDS,
  PEOPLE,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SPECIAL_DN,
  SUPPORT_GROUP,
  UNMAPPED_GROUP,
  SlapdServer,
  seedDirectory,
  slapdAvailable,
} from './support/slapd.js';

const describeWithSlapd = slapdAvailable() ? describe : describe.skip;

function directoryConfig(server: SlapdServer, overrides: Partial<DirectoryConfig> = {}): DirectoryConfig {
  return Object.assign(new DirectoryConfig(), {
    url: server.ldapUrl,
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    userBase: PEOPLE,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    disabledFilter: '(employeeType=disabled)',
    profile: { email: 'mail', name: 'cn' },
    timeouts: Object.assign(new DirectoryTimeouts(), { connectMs: 2000, operationMs: 1500 }),
    ...overrides,
  });
}

describeWithSlapd('LDAP directory (ldapts adapter against slapd)', () => {
  const server = new SlapdServer();
  const open: LdaptsDirectory[] = [];
  const warnings: string[] = [];

  function directory(overrides: Partial<DirectoryConfig> = {}): LdaptsDirectory {
    const made = new LdaptsDirectory(directoryConfig(server, overrides), (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`), {
      minMs: 50,
      maxMs: 200,
    });
    open.push(made);
    return made;
  }

  /** The DNs slapd logged a BIND for (its `-d stats` log). */
  const boundDns = () => [...server.output.matchAll(/BIND dn="([^"]*)"/g)].map((m) => m[1].toLowerCase());

  beforeAll(async () => {
    await server.start();
    await seedDirectory(server);
  });
  afterAll(async () => {
    for (const d of open) await d.close();
    await server.destroy();
  });

  describe('a reachable directory', () => {
    let ldap: LdaptsDirectory;
    beforeAll(() => {
      ldap = directory();
    });

    it('logs in a user: groups from memberOf and the profile attributes', async () => {
      const answer = await ldap.authenticate('alice', PASSWORDS.alice);
      expect(answer).toEqual({
        ok: true,
        user: {
          dn: `uid=alice,${PEOPLE}`,
          groups: expect.arrayContaining([SUPPORT_GROUP, CUSTOMERS_GROUP, UNMAPPED_GROUP]),
          profile: { email: 'alice@example.com', name: 'Alice Example' },
        },
      });
    });

    it('refuses a wrong password and an unknown user', async () => {
      expect(await ldap.authenticate('alice', 'not-her-password')).toEqual({ ok: false, reason: 'wrong_password' });
      expect(await ldap.authenticate('nobody', PASSWORDS.alice)).toEqual({ ok: false, reason: 'unknown_user' });
    });

    it.each([
      ['a wildcard', '*'],
      ['a prefix wildcard', 'al*'],
      ['a closed filter with an extra term', 'alice)(uid=*'],
      ['a filter break-out', ')(uid=*'],
      ['an OR break-out', '*)(|(uid=*'],
      ['a NUL byte', 'alice\u0000'],
      ['an escaped NUL', 'alice\\00'],
      ['a backslash escape of a star', 'al\\2a'],
    ])('escapes %s in the username (RFC 4515): nobody matches', async (_case, username) => {
      // Unescaped, several of these would find alice (and her password would log in) or several people.
      expect(await ldap.authenticate(username, PASSWORDS.alice)).toEqual({ ok: false, reason: 'unknown_user' });
    });

    it('never sends an empty or whitespace-only password to a bind', async () => {
      const before = boundDns().filter((dn) => dn === `uid=alice,${PEOPLE}`).length;
      for (const password of ['', ' ', '\t', '   \n ', '\u00a0', '\u2003']) {
        expect(await ldap.authenticate('alice', password)).toEqual({ ok: false, reason: 'empty_password' });
      }
      // The control: a wrong password does reach a bind as alice, so the log would show one.
      expect(await ldap.authenticate('alice', 'x')).toEqual({ ok: false, reason: 'wrong_password' });
      await eventually(async () => {
        expect(boundDns().filter((dn) => dn === `uid=alice,${PEOPLE}`).length).toBe(before + 1);
      }, 5000);
    });

    it('refuses a username that matches several entries, even with the right password', async () => {
      expect(await ldap.authenticate('twin', PASSWORDS.twin)).toEqual({ ok: false, reason: 'ambiguous' });
    });

    it('refuses a disabled account before any bind', async () => {
      const before = boundDns().filter((dn) => dn.startsWith('uid=dave,')).length;
      expect(await ldap.authenticate('dave', PASSWORDS.dave)).toEqual({ ok: false, reason: 'disabled' });
      expect(boundDns().filter((dn) => dn.startsWith('uid=dave,')).length).toBe(before);
      // Without the filter the same account logs in: the filter is what refused it.
      expect((await directory({ disabledFilter: undefined }).authenticate('dave', PASSWORDS.dave)).ok).toBe(true);
    });

    it('logs in a user whose DN has special characters, with groups from a search escaping that DN', async () => {
      const search = directory({ groupsFrom: 'search', groupBase: GROUPS, groupFilter: '(&(objectClass=groupOfNames)(member={dn}))' });
      const answer = (await search.authenticate('dara', PASSWORDS.dara)) as Extract<DirectoryAnswer, { ok: true }>;
      expect(answer.ok).toBe(true);
      expect(answer.user.groups).toEqual([SUPPORT_GROUP]);
      expect(answer.user.profile).toEqual({ email: 'dara@example.com', name: "O'Brien, Dara (ops)*+x" });
      expect(await search.authenticate('dara', 'wrong')).toEqual({ ok: false, reason: 'wrong_password' });
      // memberOf gives the same group.
      expect(await ldap.authenticate('dara', PASSWORDS.dara)).toMatchObject({ ok: true, user: { groups: [SUPPORT_GROUP] } });
      expect(SPECIAL_DN).toContain('(ops)*');
    });

    it('answers a ping with the service account', async () => {
      await expect(ldap.ping()).resolves.toBeUndefined();
    });
  });

  describe('TLS', () => {
    it('ldaps:// with the CA file', async () => {
      const ldap = directory({ url: server.ldapsUrl, caFile: server.caFile });
      expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true);
    });

    it('StartTLS on ldap:// with the CA file', async () => {
      const ldap = directory({ url: server.ldapUrl, startTls: true, caFile: server.caFile });
      expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true);
      expect(await ldap.authenticate('bob', 'wrong')).toEqual({ ok: false, reason: 'wrong_password' });
    });

    it('refuses a certificate it cannot verify (no CA file: the test CA is unknown)', async () => {
      await expect(directory({ url: server.ldapsUrl }).authenticate('bob', PASSWORDS.bob)).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(directory({ url: server.ldapUrl, startTls: true }).authenticate('bob', PASSWORDS.bob)).rejects.toBeInstanceOf(
        DirectoryUnavailableError,
      );
    });
  });

  it('a refused service account is "unavailable", not a failed login, and the password is not logged', async () => {
    const ldap = directory({ bindPassword: 'not-the-service-password' });
    await expect(ldap.authenticate('bob', PASSWORDS.bob)).rejects.toThrow(/service account/);
    expect(warnings.join('\n')).not.toContain('not-the-service-password');
    expect(warnings.join('\n')).not.toContain(PASSWORDS.bob);
  });

  it('a hung directory: the operation times out as unavailable, then it answers again', async () => {
    const ldap = directory();
    expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true);
    server.pause();
    try {
      await expect(ldap.authenticate('bob', PASSWORDS.bob)).rejects.toBeInstanceOf(DirectoryUnavailableError);
      await expect(ldap.ping()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    } finally {
      server.resume();
    }
    await eventually(async () => expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true), 10_000, 100);
  });

  it('a connection dropped in the middle of a search: unavailable, then a fresh connection logs in', async () => {
    const ldap = directory({ timeouts: Object.assign(new DirectoryTimeouts(), { connectMs: 2000, operationMs: 20_000 }) });
    expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true);
    server.pause();
    const inFlight = ldap.authenticate('bob', PASSWORDS.bob);
    // The search is on the wire and unanswered; the server now dies under it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.stop();
    await expect(inFlight).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await server.restart();
    await eventually(async () => expect((await ldap.authenticate('bob', PASSWORDS.bob)).ok).toBe(true), 10_000, 100);
  });

  it('a stopped directory: unavailable; restarted: the same instance logs in again', async () => {
    const ldap = directory();
    expect((await ldap.authenticate('alice', PASSWORDS.alice)).ok).toBe(true);
    await server.stop();
    await expect(ldap.authenticate('alice', PASSWORDS.alice)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(ldap.authenticate('alice', PASSWORDS.alice)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await server.restart();
    await eventually(async () => expect((await ldap.authenticate('alice', PASSWORDS.alice)).ok).toBe(true), 10_000, 100);
  });
});
