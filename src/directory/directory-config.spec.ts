import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../config/config.loader.js';
import { isLoopback } from './directory-config.js';
import { directoryRoles, normalizeDn } from './directory-roles.js';
import { fillFilter } from './ldapts.adapter.js';

describe('login.directory at config load', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'directory-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (directory: Record<string, unknown>, env: NodeJS.ProcessEnv = { LDAP_PW: 's3cret' }) => {
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(
      path,
      stringify({
        publicUrl: 'https://auth.example.com',
        roles: { customer: ['orders:read'] },
        bots: { shop: { origins: ['https://shop.example.com'] } },
        login: { local: false, directory: { bindDn: 'cn=svc,dc=example,dc=com', bindPassword: { env: 'LDAP_PW' }, userBase: 'dc=example,dc=com', ...directory } },
      }),
    );
    return loadConfig({ path, env });
  };
  const problemsOf = (directory: Record<string, unknown>, env?: NodeJS.ProcessEnv): string[] => {
    try {
      load(directory, env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('loads a complete directory with defaults and the resolved bind password', () => {
    const config = load({ url: 'ldaps://ldap.example.com:636', roleMap: { 'cn=support,dc=example,dc=com': 'customer' } });
    expect(config.login.directory).toMatchObject({
      url: 'ldaps://ldap.example.com:636',
      bindPassword: 's3cret',
      startTls: false,
      groupsFrom: 'memberOf',
      userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
      poolSize: 4,
      timeouts: { connectMs: 3000, operationMs: 5000 },
    });
  });

  it.each([
    ['ldap://ldap.example.com', true],
    ['ldap://10.0.0.5:389', true],
    ['ldap://127.0.0.1:389', false],
    ['ldap://localhost', false],
    ['ldap://[::1]:3389', false],
  ])('plain %s without startTls is refused unless on loopback', (url, refused) => {
    const problems = problemsOf({ url });
    expect(problems.some((p) => p.includes('login.directory.url: plain ldap://'))).toBe(refused);
  });

  it('accepts ldap:// on another host with startTls, and refuses startTls on ldaps://', () => {
    expect(problemsOf({ url: 'ldap://ldap.example.com', startTls: true })).toEqual([]);
    expect(problemsOf({ url: 'ldaps://ldap.example.com', startTls: true })).toEqual([expect.stringContaining('login.directory.startTls')]);
  });

  it.each([
    [{ url: 'http://ldap.example.com' }, 'login.directory.url'],
    [{ url: 'ldaps://ldap.example.com/dc=example?uid' }, 'login.directory.url'],
    [{ url: 'ldaps://x', userFilter: '(uid=alice)' }, 'login.directory.userFilter: must contain {username}'],
    [{ url: 'ldaps://x', userFilter: 'uid={username}' }, 'login.directory.userFilter: is not a parenthesised'],
    [{ url: 'ldaps://x', userFilter: '(uid={username}))(' }, 'login.directory.userFilter: is not a parenthesised'],
    [{ url: 'ldaps://x', groupsFrom: 'search' }, 'login.directory.groupBase: set it'],
    [{ url: 'ldaps://x', groupsFrom: 'search', groupBase: 'ou=g', groupFilter: '(member=x)' }, 'login.directory.groupFilter: must contain'],
    [{ url: 'ldaps://x', groupBase: 'ou=g' }, 'login.directory.groupBase: only used with groupsFrom: search'],
    [{ url: 'ldaps://x', groupsFrom: 'nested' }, 'login.directory.groupsFrom'],
    [{ url: 'ldaps://x', roleMap: { 'cn=a': 'admin' } }, 'role "admin" is not configured'],
    [{ url: 'ldaps://x', roleMap: { 'cn=a': ['customer'] } }, 'login.directory.roleMap.cn=a: must name one role'],
    [{ url: 'ldaps://x', profile: { email: 'mail)(x' } }, 'login.directory.profile.email'],
    [{ url: 'ldaps://x', caFile: '/nonexistent/ca.pem' }, 'login.directory.caFile: cannot read'],
    [{ url: 'ldaps://x', timeouts: { operationMs: 0 } }, 'login.directory.timeouts.operationMs'],
    [{ url: 'ldaps://x', bindDn: '' }, 'login.directory.bindDn'],
    [{ url: 'ldaps://x', surprise: true }, 'login.directory.surprise'],
  ])('refuses %j naming the field', (directory, message) => {
    expect(problemsOf(directory).join('\n')).toContain(message);
  });

  it('refuses a literal bind password in production and names a missing environment variable', () => {
    expect(problemsOf({ url: 'ldaps://x', bindPassword: 'literal' }, { NODE_ENV: 'production' })).toContain(
      'login.directory.bindPassword: literal secrets are refused in production; write { env: NAME } or { file: PATH }',
    );
    expect(problemsOf({ url: 'ldaps://x' }, {})).toContain('login.directory.bindPassword: environment variable LDAP_PW is not set');
  });

  it('knows loopback addresses', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1'].every(isLoopback)).toBe(true);
    expect(['ldap.example.com', '10.0.0.1', '::2', '128.0.0.1', 'localhost.evil.test'].some(isLoopback)).toBe(false);
  });
});

describe('fillFilter (RFC 4515 §3)', () => {
  it('escapes the filter special characters of the value', () => {
    expect(fillFilter('(uid={username})', { username: '*)(uid=*\\\u0000' })).toBe('(uid=\\2a\\29\\28uid=\\2a\\5c\\00)');
  });

  it('escapes a DN for a group filter and substitutes in one pass', () => {
    expect(fillFilter('(&(member={dn})(memberUid={username}))', { dn: 'cn=O\\, D (x)*,dc=e', username: '{dn}' })).toBe(
      '(&(member=cn=O\\5c, D \\28x\\29\\2a,dc=e)(memberUid={dn}))',
    );
  });
});

describe('directoryRoles', () => {
  const roles = { customer: ['orders:read'], support: ['orders:refund'] };

  it('maps configured groups only, comparing DNs in one spelling', () => {
    const roleMap = { 'cn=support,ou=groups,dc=example,dc=com': 'support', 'CN=Shop Customers, OU=Groups, DC=example, DC=com': 'customer' };
    expect(directoryRoles(['CN=Support, OU=Groups,DC=Example,DC=com', 'cn=shop customers,ou=groups,dc=example,dc=com', 'cn=other'], roleMap, roles)).toEqual([
      'customer',
      'support',
    ]);
  });

  it('ignores roles that are not configured and inherited names', () => {
    expect(directoryRoles(['cn=a', 'constructor', '__proto__'], { 'cn=a': 'admin' }, roles)).toEqual([]);
  });

  it('keeps escaped separators apart from real ones', () => {
    expect(normalizeDn('cn=Smith\\, J , ou=People')).toBe('cn=smith\\, j,ou=people');
  });
});
